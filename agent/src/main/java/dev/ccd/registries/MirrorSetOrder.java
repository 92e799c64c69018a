package dev.ccd.registries;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mirror order for one source from several mirror lists, as openshift/runtime-utils computes
 * it: each list is a chain of preferences ending at the source; the chains are sorted
 * topologically, ties by byte order, a cycle broken at its smallest unused node; the source is
 * dropped when it ends up last.
 */
final class MirrorSetOrder {
  private MirrorSetOrder() {}

  /** {@code lists} must each hold at least one entry other than {@code source}. */
  static List<String> merge(String source, List<List<String>> lists) {
    // TreeMap keys give the byte order (sources and mirrors are ASCII, validated before).
    Map<String, Set<String>> successors = new TreeMap<>();
    Map<String, Set<String>> predecessors = new TreeMap<>();
    for (List<String> mirrors : lists) {
      for (int i = 0; i + 1 < mirrors.size(); i++) {
        edge(successors, predecessors, mirrors.get(i), mirrors.get(i + 1));
      }
      if (!mirrors.contains(source)) {
        edge(successors, predecessors, mirrors.get(mirrors.size() - 1), source);
      }
    }
    List<String> all = new ArrayList<>(successors.keySet()); // sorted
    Deque<String> ready = new ArrayDeque<>();
    for (String node : all) {
      if (predecessors.get(node).isEmpty()) {
        ready.add(node);
      }
    }
    Set<String> used = new HashSet<>();
    List<String> order = new ArrayList<>();
    int nextForCycle = 0;
    while (order.size() < all.size()) {
      String node;
      if (!ready.isEmpty()) {
        node = ready.poll();
      } else {
        node = all.get(nextForCycle++);
        if (used.contains(node)) {
          continue;
        }
      }
      used.add(node);
      order.add(node);
      List<String> batch = new ArrayList<>();
      for (String next : successors.get(node)) { // sorted set
        Set<String> ins = predecessors.get(next);
        boolean had = ins.remove(node);
        if (had && ins.isEmpty() && !used.contains(next)) {
          batch.add(next);
        }
      }
      ready.addAll(batch);
    }
    if (order.get(order.size() - 1).equals(source)) {
      order.remove(order.size() - 1);
    }
    return order;
  }

  private static void edge(
      Map<String, Set<String>> successors,
      Map<String, Set<String>> predecessors,
      String from,
      String to) {
    successors.computeIfAbsent(from, k -> new java.util.TreeSet<>()).add(to);
    successors.computeIfAbsent(to, k -> new java.util.TreeSet<>());
    predecessors.computeIfAbsent(to, k -> new HashSet<>()).add(from);
    predecessors.computeIfAbsent(from, k -> new HashSet<>());
  }
}
