package dev.ccd.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.PoolApi;
import dev.ccd.kube.Watch;
import dev.ccd.registries.MirrorSets;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatusConfiguration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory {@link PoolApi}: the caches are plain maps the test fills, every write is applied at
 * once (or, with {@link #lagNodes}, node patches reach the cache only on {@link #catchUp}) and
 * logged in {@link #writes()}.
 */
public final class FakePoolApi implements PoolApi {
  private final Map<String, MachineConfigPool> pools = new TreeMap<>();
  private final Map<String, Node> nodes = new TreeMap<>();
  private final Map<String, ObjectNode> configs = new TreeMap<>();
  private final List<String> writes = new ArrayList<>();
  private final Map<String, Map<String, String>> lagging = new LinkedHashMap<>();
  private final List<Listener> listeners = new ArrayList<>();
  private MirrorSets mirrorSets = MirrorSets.EMPTY;
  private boolean lagNodes;
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  public FakePoolApi pool(MachineConfigPool p) {
    pools.put(p.getMetadata().getName(), p);
    return this;
  }

  /** The pool is deleted. */
  public FakePoolApi removePool(String name) {
    pools.remove(name);
    return this;
  }

  public FakePoolApi node(Node n) {
    nodes.put(n.getMetadata().getName(), n);
    return this;
  }

  public FakePoolApi config(ObjectNode mc) {
    configs.put(mc.path("metadata").path("name").asText(), mc.deepCopy());
    return this;
  }

  public FakePoolApi mirrorSets(MirrorSets sets) {
    mirrorSets = sets;
    return this;
  }

  /** Node patches stay out of the cache until {@link #catchUp()}, as a watch lags. */
  public FakePoolApi lagNodes() {
    lagNodes = true;
    return this;
  }

  /** The time written as creationTimestamp of configs created from now on. */
  public FakePoolApi now(Instant t) {
    now = t;
    return this;
  }

  public void catchUp() {
    lagging.forEach(this::annotate);
    lagging.clear();
  }

  public List<String> writes() {
    return List.copyOf(writes);
  }

  public MachineConfigPool poolNamed(String name) {
    return pools.get(name);
  }

  public Node nodeNamed(String name) {
    return nodes.get(name);
  }

  public Map<String, ObjectNode> configsByName() {
    return new TreeMap<>(configs);
  }

  public List<Listener> listeners() {
    return List.copyOf(listeners);
  }

  @Override
  public Watch watch(Listener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public List<MachineConfigPool> pools() {
    return List.copyOf(pools.values());
  }

  @Override
  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  @Override
  public List<JsonNode> machineConfigs() {
    return configs.values().stream().map(c -> (JsonNode) c.deepCopy()).toList();
  }

  @Override
  public MirrorSets mirrorSets() {
    return mirrorSets;
  }

  @Override
  public void applyMachineConfig(ObjectNode object) {
    String name = object.path("metadata").path("name").asText();
    ObjectNode stored = object.deepCopy();
    ObjectNode before = configs.get(name);
    String created =
        before == null
            ? now.toString()
            : before.path("metadata").path("creationTimestamp").asText(now.toString());
    stored.withObject("/metadata").put("creationTimestamp", created);
    configs.put(name, stored);
    writes.add("apply MachineConfig " + name);
  }

  @Override
  public void deleteMachineConfig(String name) {
    configs.remove(name);
    writes.add("delete MachineConfig " + name);
  }

  @Override
  public void setPoolConfiguration(String pool, String rendered, List<String> sources)
      throws KubeApiException {
    MachineConfigPool p = existing(pool);
    MachineConfigPoolStatusConfiguration c = new MachineConfigPoolStatusConfiguration();
    c.setName(rendered);
    List<ObjectReference> refs = new ArrayList<>();
    sources.forEach(s -> refs.add(new ObjectReferenceBuilder().withName(s).build()));
    c.setSource(refs);
    p.getSpec().setConfiguration(c);
    writes.add("set configuration of " + pool + " to " + rendered);
  }

  @Override
  public void setPoolStatus(String pool, MachineConfigPoolStatus status) throws KubeApiException {
    existing(pool).setStatus(status);
    writes.add("set status of " + pool);
  }

  private MachineConfigPool existing(String pool) throws KubeApiException {
    MachineConfigPool p = pools.get(pool);
    if (p == null) {
      throw new KubeApiException(404, "MachineConfigPool " + pool + " not found");
    }
    return p;
  }

  @Override
  public void patchNodeAnnotations(String node, Map<String, String> set) throws KubeApiException {
    if (!nodes.containsKey(node)) {
      throw new KubeApiException(404, "node " + node + " not found");
    }
    writes.add("patch node " + node + " " + new TreeMap<>(set));
    if (lagNodes) {
      lagging.computeIfAbsent(node, n -> new HashMap<>()).putAll(set);
    } else {
      annotate(node, set);
    }
  }

  private void annotate(String node, Map<String, String> set) {
    Node n = nodes.get(node);
    Map<String, String> a =
        n.getMetadata().getAnnotations() == null
            ? new HashMap<>()
            : new HashMap<>(n.getMetadata().getAnnotations());
    a.putAll(set);
    n.getMetadata().setAnnotations(a);
  }
}
