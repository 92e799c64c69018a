package dev.ccd.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.controller.PoolObjects.PoolSpec;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.PoolApi;
import dev.ccd.kube.Watch;
import dev.ccd.machineconfig.GeneratedRegistries.Layout;
import dev.ccd.machineconfig.InvalidConfigException;
import dev.ccd.machineconfig.MachineConfigDocument;
import dev.ccd.machineconfig.MachineConfigReader;
import dev.ccd.registries.Problem;
import dev.ccd.registries.YamlDocuments;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The render loop: for each pool, the mirror sets become {@code 99-<pool>-generated-registries}
 * ({@link RegistriesRender}, the bytes {@code ccd render --pool P -o machineconfig} prints), the
 * MachineConfigs its {@code machineConfigSelector} selects are merged into {@code
 * rendered-<pool>-<hash>} ({@link RenderPlanner}) and the pool's {@code spec.configuration} names
 * it. Invalid mirror sets or configs set {@code RenderDegraded} and change nothing else. Rendered
 * configs nobody refers to are collected ({@link RenderedCollector}) on a timer and after changes.
 * Events are coalesced per pool by a {@link PoolQueue}.
 */
public final class RenderLoop implements ControllerLoop {
  private static final Logger log = LoggerFactory.getLogger(RenderLoop.class);

  /** The queue key of a garbage collection pass (no pool has an empty name). */
  private static final String COLLECT = "";

  /**
   * @param settle how long a first event waits for the rest of its burst
   * @param retry how long a failed pass waits before it runs again
   * @param collectEvery how often unreferenced rendered configs are looked for
   */
  public record Settings(
      NodeAnnotations keys,
      RenderedCollector.Policy collection,
      Duration collectEvery,
      Duration settle,
      Duration retry) {
    public Settings {
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(collection, "collection");
      Objects.requireNonNull(collectEvery, "collectEvery");
      Objects.requireNonNull(settle, "settle");
      Objects.requireNonNull(retry, "retry");
    }
  }

  private final PoolApi api;
  private final Settings settings;
  private final Clock clock;
  private Map<String, Instant> unreferencedSince = new HashMap<>();
  private PoolQueue queue;
  private Watch watch;

  public RenderLoop(PoolApi api, Settings settings, Clock clock) {
    this.api = Objects.requireNonNull(api, "api");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized void start() {
    queue = new PoolQueue("render", this::pass, settings.settle(), settings.retry());
    watch = api.watch(this::changed);
    queue.every(settings.collectEvery(), COLLECT);
  }

  private void changed(PoolApi.Kind kind, String name) {
    switch (kind) {
      case POOL -> queue.add(name);
      case MACHINE_CONFIG, MIRROR_SETS -> {
        api.pools().forEach(p -> queue.add(p.getMetadata().getName()));
        queue.add(COLLECT);
      }
      case NODE -> {
        // Nodes matter only to the collection, which runs on its timer.
      }
    }
  }

  private void pass(String key) {
    try {
      if (key.equals(COLLECT)) {
        collect();
      } else {
        render(key);
      }
    } catch (KubeApiException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One pool: generated config, rendered config, spec.configuration, RenderDegraded. */
  void render(String name) throws KubeApiException {
    Optional<PoolSpec> named = PoolObjects.named(api.pools(), name);
    if (named.isEmpty()) {
      return;
    }
    PoolSpec spec = named.get();
    Outcome outcome = renderConfigs(spec);
    outcome.failure().ifPresent(f -> log.warn("MachineConfigPool {} not rendered: {}", name, f));
    PoolSpec now = spec.withTarget(outcome.target());
    List<PoolNode> nodes = now.select(api.nodes(), settings.keys());
    Optional<PoolStatus> status = now.nextStatus(nodes, outcome.failure(), clock.instant());
    if (status.isPresent()) {
      api.setPoolStatus(name, PoolObjects.write(status.get()));
    }
  }

  /** The pool's target after a pass, and why it could not be rendered, if it could not. */
  private record Outcome(String target, Optional<String> failure) {
    static Outcome failed(PoolSpec spec, String why) {
      return new Outcome(spec.pool().target(), Optional.of(why));
    }
  }

  /** Writes what the pool renders to. */
  private Outcome renderConfigs(PoolSpec spec) throws KubeApiException {
    String name = spec.name();
    GeneratedConfig generated =
        RegistriesRender.forPool(name, api.mirrorSets(), Layout.DROPIN, Optional.empty());
    if (generated instanceof GeneratedConfig.Invalid invalid) {
      return Outcome.failed(spec, invalid.message());
    }
    GeneratedConfig.Generated gen = (GeneratedConfig.Generated) generated;
    Configs configs = configs(api.machineConfigs());
    List<String> broken =
        configs.broken().stream()
            .filter(b -> spec.machineConfigSelector().map(s -> s.matches(b.labels())).orElse(false))
            .map(b -> b.message())
            .toList();
    if (!broken.isEmpty()) {
      return Outcome.failed(spec, String.join("; ", broken));
    }
    writeIfChanged(configs.byName().get(gen.document().name()), gen);
    PoolRender render =
        RenderPlanner.render(
            name,
            spec.machineConfigSelector(),
            RenderPlanner.withGenerated(configs.valid(), gen.document()));
    if (render instanceof PoolRender.Failed failed) {
      return Outcome.failed(spec, failed.message());
    }
    PoolRender.Rendered rendered = (PoolRender.Rendered) render;
    if (!configs.byName().containsKey(rendered.name())) {
      api.applyMachineConfig(object(rendered.config()));
      log.info("MachineConfigPool {}: rendered {}", name, rendered.name());
    }
    if (!rendered.name().equals(spec.pool().target())) {
      api.setPoolConfiguration(name, rendered.name(), rendered.sources());
      log.info("MachineConfigPool {}: target {}", name, rendered.name());
    }
    return new Outcome(rendered.name(), Optional.empty());
  }

  private void writeIfChanged(MachineConfigDocument existing, GeneratedConfig.Generated gen)
      throws KubeApiException {
    MachineConfigDocument want = gen.document();
    if (existing != null
        && existing.spec().equals(want.spec())
        && existing.labels().equals(want.labels())) {
      return;
    }
    JsonNode object;
    try {
      object = YamlDocuments.yaml(gen.yaml()).get(0);
    } catch (YamlDocuments.Refusal e) {
      // Our own YAML always parses; reaching this is a bug.
      throw new IllegalStateException("generated MachineConfig does not parse: " + e.getMessage());
    }
    api.applyMachineConfig((ObjectNode) object);
    log.info("wrote MachineConfig {}", want.name());
  }

  /** The MachineConfig object of a rendered document (no role label: no pool selects it). */
  static ObjectNode object(MachineConfigDocument doc) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("apiVersion", MachineConfigDocument.API_VERSION);
    o.put("kind", MachineConfigDocument.KIND);
    ObjectNode metadata = o.putObject("metadata");
    metadata.put("name", doc.name());
    if (!doc.annotations().isEmpty()) {
      ObjectNode a = metadata.putObject("annotations");
      doc.annotations().forEach(a::put);
    }
    o.set("spec", doc.spec());
    return o;
  }

  /** A cluster MachineConfig that does not read as one. */
  record Broken(String name, Map<String, String> labels, String message) {}

  /** The cluster's MachineConfigs: those that read, by name, and those that do not. */
  record Configs(Map<String, MachineConfigDocument> byName, List<Broken> broken) {
    List<MachineConfigDocument> valid() {
      return List.copyOf(byName.values());
    }
  }

  static Configs configs(List<JsonNode> trees) {
    Map<String, MachineConfigDocument> byName = new HashMap<>();
    List<Broken> broken = new ArrayList<>();
    for (JsonNode t : trees) {
      String name = t.path("metadata").path("name").asText("");
      try {
        byName.put(name, MachineConfigReader.fromTree(t, "machineconfig/" + name));
      } catch (InvalidConfigException e) {
        Map<String, String> labels = new HashMap<>();
        t.path("metadata")
            .path("labels")
            .properties()
            .forEach(l -> labels.put(l.getKey(), l.getValue().asText()));
        broken.add(
            new Broken(
                name,
                labels,
                e.problems().stream().map(Problem::toString).collect(Collectors.joining("; "))));
      }
    }
    return new Configs(byName, broken);
  }

  /** Deletes the rendered configs no pool and no node refers to, past grace and keep. */
  void collect() throws KubeApiException {
    List<RenderedCollector.RenderedConfig> rendered = new ArrayList<>();
    for (JsonNode t : api.machineConfigs()) {
      String name = t.path("metadata").path("name").asText("");
      if (name.startsWith(RenderPlanner.RENDERED_PREFIX)) {
        rendered.add(
            new RenderedCollector.RenderedConfig(
                name,
                PoolObjects.instant(t.path("metadata").path("creationTimestamp").asText(""))));
      }
    }
    Set<String> referenced = new HashSet<>();
    for (MachineConfigPool p : api.pools()) {
      if (p.getSpec() != null && p.getSpec().getConfiguration() != null) {
        referenced.add(Objects.toString(p.getSpec().getConfiguration().getName(), ""));
      }
      if (p.getStatus() != null && p.getStatus().getConfiguration() != null) {
        referenced.add(Objects.toString(p.getStatus().getConfiguration().getName(), ""));
      }
    }
    for (Node n : api.nodes()) {
      var status = settings.keys().read(n.getMetadata().getAnnotations());
      referenced.add(status.currentConfig());
      referenced.add(status.desiredConfig());
    }
    RenderedCollector.Collection c =
        RenderedCollector.collect(
            rendered, referenced, unreferencedSince, clock.instant(), settings.collection());
    unreferencedSince = new HashMap<>(c.unreferencedSince());
    for (String name : c.delete()) {
      api.deleteMachineConfig(name);
      log.info("deleted rendered MachineConfig {}: no pool or node refers to it", name);
    }
  }

  @Override
  public synchronized void close() {
    if (watch != null) {
      watch.close();
    }
    if (queue != null) {
      queue.close();
    }
  }
}
