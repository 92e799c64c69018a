package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.GeneratedRegistries.Layout;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.Owner;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.registries.YamlDocuments;
import dev.ccd.testing.FakePoolApi;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RenderLoopTest {
  static final NodeAnnotations KEYS = new NodeAnnotations();
  static final String GENERATED = "99-worker-generated-registries";

  static final String SETS =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: release}
      spec:
        imageDigestMirrors:
        - {source: quay.io/ocp, mirrors: [mirror.example.com/ocp]}
      """;

  final FakePoolApi api = new FakePoolApi();
  final MutableClock clock = new MutableClock(Instant.parse("2026-02-01T10:00:00Z"));
  final RenderLoop loop =
      new RenderLoop(
          api,
          new RenderLoop.Settings(
              KEYS,
              new RenderedCollector.Policy(Duration.ofMinutes(10), 1),
              Duration.ofMinutes(1),
              Duration.ZERO,
              Duration.ofSeconds(1)),
          clock);

  static MirrorSets sets(String yaml) throws Exception {
    return MirrorSetsReader.parse(yaml, "cluster");
  }

  static ObjectNode userConfig(String name, String pool) {
    return IgnitionEncoder.machineConfig(
        name,
        pool,
        List.of(
            new DesiredFile(
                "/etc/containers/registries.conf.d/50-team.conf",
                "[[registry]]\nlocation = \"quay.io/team\"\n".getBytes(),
                0644,
                Owner.ROOT)));
  }

  String target() {
    var c = api.poolNamed("worker").getSpec().getConfiguration();
    return c == null ? "" : c.getName();
  }

  @Test
  void writesTheGeneratedConfigTheRenderedConfigAndTheTarget() throws Exception {
    MirrorSets sets = sets(SETS);
    api.pool(Cluster.pool("1", false, "")).mirrorSets(sets).config(userConfig("50-team", "worker"));

    loop.render("worker");

    String yaml =
        ((GeneratedConfig.Generated)
                RegistriesRender.forPool("worker", sets, Layout.DROPIN, Optional.empty()))
            .yaml();
    JsonNode stored = api.configsByName().get(GENERATED).deepCopy();
    ((ObjectNode) stored.get("metadata")).remove("creationTimestamp");
    assertThat(stored).isEqualTo(YamlDocuments.yaml(yaml).get(0));
    assertThat(target()).startsWith("rendered-worker-");
    assertThat(api.configsByName()).containsKey(target());
    assertThat(
            api.poolNamed("worker").getSpec().getConfiguration().getSource().stream()
                .map(r -> r.getName()))
        .containsExactly("50-team", GENERATED);
    MachineConfigPoolStatus s = api.poolNamed("worker").getStatus();
    assertThat(RolloutLoopTest.condition(s, PoolCondition.RENDER_DEGRADED).getStatus())
        .isEqualTo("False");
  }

  @Test
  void anUnchangedClusterCostsNoWrite() throws Exception {
    api.pool(Cluster.pool("1", false, "")).mirrorSets(sets(SETS));
    loop.render("worker");
    int before = api.writes().size();

    loop.render("worker");

    assertThat(api.writes()).hasSize(before);
  }

  @Test
  void aNewMirrorSetGivesANewTarget() throws Exception {
    api.pool(Cluster.pool("1", false, "")).mirrorSets(MirrorSets.EMPTY);
    loop.render("worker");
    String first = target();

    api.mirrorSets(sets(SETS));
    loop.render("worker");

    assertThat(target()).isNotEqualTo(first).startsWith("rendered-worker-");
  }

  @Test
  void anInvalidMirrorSetSetsRenderDegradedAndWritesNoConfig() throws Exception {
    api.pool(Cluster.pool("1", false, "")).mirrorSets(MirrorSets.EMPTY);
    loop.render("worker");
    String target = target();
    List<String> before = api.writes();

    api.mirrorSets(sets(SETS.replace("source: quay.io/ocp", "source: \"not a source!\"")));
    loop.render("worker");

    assertThat(target()).isEqualTo(target);
    assertThat(api.writes().subList(before.size(), api.writes().size()))
        .containsExactly("set status of worker");
    MachineConfigPoolStatus s = api.poolNamed("worker").getStatus();
    var c = RolloutLoopTest.condition(s, PoolCondition.RENDER_DEGRADED);
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getMessage())
        .startsWith("Failed to render configuration for pool worker: ")
        .contains("ImageDigestMirrorSet/release")
        .contains("not a source!");
    assertThat(RolloutLoopTest.condition(s, PoolCondition.DEGRADED).getStatus()).isEqualTo("True");
  }

  @Test
  void aBrokenMachineConfigOfThePoolSetsRenderDegradedNamingIt() throws Exception {
    ObjectNode broken = userConfig("50-broken", "worker");
    broken.put("apiVersion", "v1");
    api.pool(Cluster.pool("1", false, "")).mirrorSets(MirrorSets.EMPTY).config(broken);
    api.config(userConfig("50-other-pool", "infra").put("apiVersion", "v1"));

    loop.render("worker");

    assertThat(target()).isEmpty();
    var c =
        RolloutLoopTest.condition(
            api.poolNamed("worker").getStatus(), PoolCondition.RENDER_DEGRADED);
    assertThat(c.getMessage()).contains("machineconfig/50-broken").doesNotContain("50-other-pool");
  }

  @Test
  void unreferencedRenderedConfigsGoAfterTheGracePeriodKeepingTheNewest() throws Exception {
    api.pool(Cluster.pool("1", false, "")).mirrorSets(MirrorSets.EMPTY);
    api.now(Instant.parse("2026-02-01T08:00:00Z"));
    loop.render("worker");
    String oldest = target();
    api.now(Instant.parse("2026-02-01T09:00:00Z"));
    api.mirrorSets(sets(SETS));
    loop.render("worker");
    String middle = target();
    api.now(Instant.parse("2026-02-01T09:30:00Z"));
    api.mirrorSets(sets(SETS.replace("mirror.example.com", "other.example.com")));
    loop.render("worker");
    String current = target();
    api.node(Cluster.node("node-0", Map.of(KEYS.currentConfigKey(), oldest)));

    loop.collect();
    clock.advance(Duration.ofMinutes(11));
    loop.collect();

    // oldest: a node is on it; middle: unreferenced, not the pool's newest, grace over.
    assertThat(api.configsByName()).containsKeys(oldest, current).doesNotContainKey(middle);
    assertThat(api.writes()).contains("delete MachineConfig " + middle);
  }

  @Test
  void startWatchesAndCloseStopsWatching() {
    api.pool(Cluster.pool("1", false, ""));
    loop.start();
    try {
      assertThat(api.listeners()).hasSize(1);
    } finally {
      loop.close();
    }
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
