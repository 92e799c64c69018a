package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.kube.DrainState;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.plan.CrioAction;
import dev.ccd.plan.Disruption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent's side of the drain protocol: annotations and disruption → next step. */
class DrainGateTest {
  static final Disruption DRAIN = new Disruption(CrioAction.RELOAD, true, List.of("unsafe"));
  static final Disruption SAFE = new Disruption(CrioAction.RELOAD, false, List.of("safe"));

  static String show(DrainGate.Gate g) {
    if (g instanceof DrainGate.Gate.Ask a) {
      return "ask " + a.request().wire();
    }
    if (g instanceof DrainGate.Gate.Wait w) {
      return "wait " + w.request().wire();
    }
    return "open";
  }

  @ParameterizedTest(name = "before: drain={0} desired={1} last={2} topology={3} → {4}")
  @CsvSource(
      nullValues = "-",
      value = {
        "false, -, -, -, open",
        "true, -, -, -, ask drain-B",
        "true, drain-B, -, -, wait drain-B",
        "true, drain-B, drain-B, -, open",
        "true, -, -, SingleReplica, open",
        "true, -, -, HighlyAvailable, ask drain-B",
        "true, uncordon-A, drain-A, -, ask drain-B",
        "true, drain-A, -, -, ask drain-B",
        "false, drain-A, -, -, open"
      })
  void beforeWrite(boolean drain, String desired, String last, String topology, String expected) {
    DrainState state = new DrainState(desired, last, topology);

    assertThat(show(DrainGate.beforeWrite(drain ? DRAIN : SAFE, "B", state))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "after Done: desired={0} last={1} → {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "-, -, open",
        "drain-B, drain-B, ask uncordon-B",
        "drain-B, -, ask uncordon-B",
        "drain-A, drain-A, ask uncordon-B",
        "uncordon-B, drain-B, wait uncordon-B",
        "uncordon-B, uncordon-B, open",
        "uncordon-A, uncordon-A, open",
        "uncordon-A, drain-A, open",
        "garbage, -, open"
      })
  void afterDone(String desired, String last, String expected) {
    assertThat(show(DrainGate.afterDone("B", new DrainState(desired, last, null))))
        .isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void readsTheAnnotationsUnderTheConfiguredPrefix() {
    NodeAnnotations keys = new NodeAnnotations();
    DrainState s =
        DrainState.read(
            Map.of(
                "machineconfiguration.openshift.io/desiredDrain", "drain-B",
                "machineconfiguration.openshift.io/lastAppliedDrain", "uncordon-A",
                "machineconfiguration.openshift.io/controlPlaneTopology", "SingleReplica"),
            keys);

    assertThat(s).isEqualTo(new DrainState("drain-B", "uncordon-A", "SingleReplica"));
    assertThat(s.pending()).isTrue();
    assertThat(s.singleReplica()).isTrue();
  }
}
