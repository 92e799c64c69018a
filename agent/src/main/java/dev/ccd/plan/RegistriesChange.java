package dev.ccd.plan;

import dev.ccd.registries.Mirror;
import dev.ccd.registries.PullFromMirror;
import dev.ccd.registries.RegistriesConf;
import dev.ccd.registries.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine-config-daemon's "safe container registry change" rules ({@code
 * isSafeContainerRegistryConfChanges}): which edits of one registries.conf document may be applied
 * without draining the node. Registries are keyed by prefix, or location when the prefix is empty;
 * mirrors by location. Pure.
 *
 * <p>Safe (not inspected): appending search registries; adding digest-only mirrors or registries;
 * reordering mirrors; a mirror's {@code insecure}; toggling {@code mirror-by-digest-only};
 * short-name mode, aliases, credential helpers. A mirror counts as digest-only when it says {@code
 * pull-from-mirror = "digest-only"} or its registry has {@code mirror-by-digest-only = true} (the
 * two cannot be combined in one registry, so this is how a new registry with mirror-by-digest-only
 * and mirrors is judged safe, where MCO's text would drain).
 */
public final class RegistriesChange {
  private RegistriesChange() {}

  /** Why the change from {@code before} to {@code after} needs a drain; empty when it is safe. */
  public static List<String> unsafeChanges(RegistriesConf before, RegistriesConf after) {
    List<String> out = new ArrayList<>();
    searchRegistries(before, after).ifPresent(out::add);
    Map<String, Registry> old = byScope(before);
    Map<String, Registry> now = byScope(after);
    for (String scope : old.keySet()) {
      if (!now.containsKey(scope)) {
        out.add("registry \"" + scope + "\" removed");
      }
    }
    for (Map.Entry<String, Registry> e : now.entrySet()) {
      Registry o = old.get(e.getKey());
      if (o == null) {
        added(e.getKey(), e.getValue(), out);
      } else {
        changed(e.getKey(), o, e.getValue(), out);
      }
    }
    return out;
  }

  private static Optional<String> searchRegistries(RegistriesConf before, RegistriesConf after) {
    List<String> o = before.unqualifiedSearchRegistries().orElse(List.of());
    List<String> n = after.unqualifiedSearchRegistries().orElse(List.of());
    if (n.size() < o.size()) {
      return Optional.of("unqualified-search-registries shrank from " + o + " to " + n);
    }
    if (!n.subList(0, o.size()).equals(o)) {
      return Optional.of(
          "unqualified-search-registries changed or reordered from " + o + " to " + n);
    }
    return Optional.empty();
  }

  private static void added(String scope, Registry r, List<String> out) {
    if (r.mirrors().isEmpty()) {
      if (!r.mirrorByDigestOnly()) {
        out.add(
            "new registry \"" + scope + "\" has no mirrors and lacks mirror-by-digest-only = true");
      }
      return;
    }
    for (Mirror m : r.mirrors()) {
      if (!digestOnly(r, m)) {
        out.add(
            "new registry \""
                + scope
                + "\" has mirror "
                + m.location()
                + " that is not pull-from-mirror = \"digest-only\"");
      }
    }
  }

  private static void changed(String scope, Registry o, Registry n, List<String> out) {
    String reg = " of registry \"" + scope + "\" changed from ";
    if (!o.prefix().equals(n.prefix())) {
      out.add("prefix" + reg + quote(o.prefix()) + " to " + quote(n.prefix()));
    }
    if (!o.location().equals(n.location())) {
      out.add("location" + reg + quote(o.location()) + " to " + quote(n.location()));
    }
    if (o.blocked() != n.blocked()) {
      out.add("blocked" + reg + o.blocked() + " to " + n.blocked());
    }
    if (o.insecure() != n.insecure()) {
      out.add("insecure" + reg + o.insecure() + " to " + n.insecure());
    }
    Map<String, Mirror> oldMirrors = byLocation(o.mirrors());
    Map<String, Mirror> newMirrors = byLocation(n.mirrors());
    for (String loc : oldMirrors.keySet()) {
      if (!newMirrors.containsKey(loc)) {
        out.add("mirror " + loc + " removed from registry \"" + scope + "\"");
      }
    }
    for (Mirror m : newMirrors.values()) {
      Mirror before = oldMirrors.get(m.location());
      if (before == null) {
        if (!digestOnly(n, m)) {
          out.add(
              "mirror "
                  + m.location()
                  + " added to registry \""
                  + scope
                  + "\" without pull-from-mirror = \"digest-only\" and the registry lacks"
                  + " mirror-by-digest-only = true");
        }
      } else if (before.pullFromMirror() != m.pullFromMirror()
          && m.pullFromMirror() != PullFromMirror.DIGEST_ONLY) {
        out.add(
            "pull-from-mirror of mirror "
                + m.location()
                + " in registry \""
                + scope
                + "\" changed from \""
                + before.pullFromMirror().tomlValue()
                + "\" to \""
                + m.pullFromMirror().tomlValue()
                + "\"");
      }
    }
  }

  private static boolean digestOnly(Registry r, Mirror m) {
    return m.pullFromMirror() == PullFromMirror.DIGEST_ONLY || r.mirrorByDigestOnly();
  }

  private static Map<String, Registry> byScope(RegistriesConf conf) {
    Map<String, Registry> out = new LinkedHashMap<>();
    for (Registry r : conf.registries()) {
      out.put(r.effectivePrefix(), r);
    }
    return out;
  }

  private static Map<String, Mirror> byLocation(List<Mirror> mirrors) {
    Map<String, Mirror> out = new LinkedHashMap<>();
    for (Mirror m : mirrors) {
      out.put(m.location(), m);
    }
    return out;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
