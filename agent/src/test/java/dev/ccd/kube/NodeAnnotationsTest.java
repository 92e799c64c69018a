package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAnnotationsTest {
  private static final String P = "machineconfiguration.openshift.io/";
  private final NodeAnnotations annotations = new NodeAnnotations();

  static Stream<Arguments> stateValues() {
    return Stream.of(
        Arguments.of(null, ConfigState.DONE),
        Arguments.of("", ConfigState.DONE),
        Arguments.of("Done", ConfigState.DONE),
        Arguments.of("Working", ConfigState.WORKING),
        Arguments.of("Degraded", ConfigState.DEGRADED),
        Arguments.of("Unreconcilable", ConfigState.UNRECONCILABLE),
        // Not ours (MCD's post-config-action value, wrong case): read as Done like the MCD does.
        Arguments.of("Rebooting", ConfigState.DONE),
        Arguments.of("degraded", ConfigState.DONE));
  }

  @ParameterizedTest(name = "state={0} reads as {1}")
  @MethodSource("stateValues")
  void readsState(String value, ConfigState expected) {
    Map<String, String> a = new java.util.HashMap<>();
    if (value != null) {
      a.put(P + "state", value);
    }
    assertThat(annotations.read(a).state()).as("state annotation %s", value).isEqualTo(expected);
  }

  @Test
  void freshNodeIsDoneOnNoConfig() {
    ConfigStatus s = annotations.read(Map.of());
    assertThat(s.state()).isEqualTo(ConfigState.DONE);
    assertThat(s.currentConfig()).isEmpty();
    assertThat(s.desiredConfig()).isEmpty();
    assertThat(s.desired()).isEmpty();
    assertThat(s.updateRequested()).as("nothing desired, nothing to do").isFalse();
    assertThat(annotations.read(null)).isEqualTo(s);
  }

  @Test
  void readsAllKeys() {
    ConfigStatus s =
        annotations.read(
            Map.of(
                P + "currentConfig",
                "rendered-worker-1",
                P + "desiredConfig",
                "rendered-worker-2",
                P + "state",
                "Degraded",
                P + "reason",
                "crio reload failed",
                "ccd.dev/force-reapply",
                "t1",
                "ccd.dev/force-reapply-done",
                "t0",
                "other/annotation",
                "ignored"));
    assertThat(s)
        .isEqualTo(
            new ConfigStatus(
                "rendered-worker-1",
                "rendered-worker-2",
                ConfigState.DEGRADED,
                "crio reload failed",
                "t1",
                "t0"));
    assertThat(s.updateRequested()).isTrue();
    assertThat(s.forceReapplyPending()).isTrue();
  }

  static Stream<Arguments> updateRequests() {
    return Stream.of(
        Arguments.of("a", "a", "", "", false),
        Arguments.of("a", "b", "", "", true),
        Arguments.of("", "b", "", "", true),
        Arguments.of("a", "", "", "", false),
        Arguments.of("a", "a", "t1", "", true),
        Arguments.of("a", "a", "t1", "t1", false),
        Arguments.of("a", "a", "t2", "t1", true));
  }

  @ParameterizedTest(name = "current={0} desired={1} force={2} done={3} -> {4}")
  @MethodSource("updateRequests")
  void updateRequested(String current, String desired, String force, String done, boolean want) {
    ConfigStatus s = new ConfigStatus(current, desired, ConfigState.DONE, "", force, done);
    assertThat(s.updateRequested()).isEqualTo(want);
  }

  @Test
  void customPrefixMovesTheMcoKeysOnly() {
    NodeAnnotations custom = new NodeAnnotations("ccd.example.com/", "own.example.com/");
    assertThat(custom.desiredConfigKey()).isEqualTo("ccd.example.com/desiredConfig");
    assertThat(custom.forceReapplyKey()).isEqualTo("own.example.com/force-reapply");
    ConfigStatus s =
        custom.read(Map.of(P + "desiredConfig", "mco", "ccd.example.com/desiredConfig", "ours"));
    assertThat(s.desiredConfig()).isEqualTo("ours");
  }

  @Test
  void rejectsPrefixWithoutOneTrailingSlash() {
    assertThatThrownBy(() -> new NodeAnnotations("machineconfiguration.openshift.io", "ccd.dev/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> new NodeAnnotations(P, "a/b/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ccdPrefix");
  }

  @Test
  void patches() {
    assertThat(annotations.working()).containsExactly(Map.entry(P + "state", "Working"));
    assertThat(annotations.done("rendered-2", ""))
        .containsOnly(
            Map.entry(P + "currentConfig", "rendered-2"),
            Map.entry(P + "state", "Done"),
            Map.entry(P + "reason", ""));
    assertThat(annotations.done("rendered-2", "t1"))
        .containsEntry("ccd.dev/force-reapply-done", "t1");
    assertThat(annotations.degraded("boom"))
        .containsOnly(Map.entry(P + "state", "Degraded"), Map.entry(P + "reason", "boom"));
    assertThat(annotations.unreconcilable("bad path /etc/passwd"))
        .containsOnly(
            Map.entry(P + "state", "Unreconcilable"),
            Map.entry(P + "reason", "bad path /etc/passwd"));
    assertThat(annotations.degraded("x".repeat(5000)).get(P + "reason")).hasSize(2000);
  }

  @Test
  void truncatesReasonToTwoThousandCodePoints() {
    assertThat(NodeAnnotations.truncateReason(null)).isEmpty();
    assertThat(NodeAnnotations.truncateReason("short")).isEqualTo("short");
    String exact = "a".repeat(2000);
    assertThat(NodeAnnotations.truncateReason(exact)).isSameAs(exact);
    assertThat(NodeAnnotations.truncateReason(exact + "b")).isEqualTo(exact);

    // 2000 emoji are 4000 chars: nothing is cut, since the limit counts code points.
    String emoji = "\uD83D\uDE00";
    String emojis = emoji.repeat(2000);
    assertThat(NodeAnnotations.truncateReason(emojis)).isSameAs(emojis);
    String cut = NodeAnnotations.truncateReason("a" + emojis);
    assertThat(cut.codePointCount(0, cut.length())).isEqualTo(2000);
    assertThat(cut).as("no half surrogate pair at the end").endsWith(emoji).startsWith("a");
  }
}
