package dev.ccd.agent;

import dev.ccd.kube.DrainRequest;
import dev.ccd.kube.DrainState;
import dev.ccd.plan.Disruption;
import java.util.Objects;

/**
 * The agent's half of the drain protocol: before writing, whether it may go on or must ask the
 * controller for {@code drain-<config>} and wait; after Done, whether to ask {@code
 * uncordon-<config>}. Pure.
 *
 * <p>Unlike the machine-config-daemon, which asks for an uncordon after every update, the agent
 * asks only when a drain request is outstanding on the Node (it drained, or asked to), so a change
 * that needed no drain costs no round trip. A single-replica control plane never drains: there is
 * no other node to take the workloads.
 */
public final class DrainGate {
  private DrainGate() {}

  /** What the agent does next. */
  public sealed interface Gate {
    /** Go on: write the files, or (after Done) finish. */
    record Open(String why) implements Gate {}

    /** Set {@code desiredDrain} to {@code request}, then wait for {@code lastAppliedDrain}. */
    record Ask(DrainRequest request) implements Gate {}

    /** {@code request} is asked and not carried out yet: wait for {@code lastAppliedDrain}. */
    record Wait(DrainRequest request) implements Gate {}
  }

  /** Before writing {@code config}, whose plan costs {@code disruption}. */
  public static Gate beforeWrite(Disruption disruption, String config, DrainState state) {
    Objects.requireNonNull(config, "config");
    if (!disruption.drain()) {
      return new Gate.Open("the change needs no drain");
    }
    if (state.singleReplica()) {
      return new Gate.Open("a single-replica control plane is never drained");
    }
    return askOrWait(DrainRequest.drain(config), state, "drained for " + config);
  }

  /** After the node is Done on {@code config}. */
  public static Gate afterDone(String config, DrainState state) {
    Objects.requireNonNull(config, "config");
    DrainRequest uncordon = DrainRequest.uncordon(config);
    boolean drainAsked =
        DrainRequest.parse(state.desiredDrain())
            .map(r -> r.verb() == DrainRequest.Verb.DRAIN)
            .orElse(false);
    if (!drainAsked && !uncordon.wire().equals(state.desiredDrain())) {
      return new Gate.Open("no drain was asked for, so there is nothing to uncordon");
    }
    return askOrWait(uncordon, state, "uncordoned after " + config);
  }

  private static Gate askOrWait(DrainRequest request, DrainState state, String doneWhy) {
    if (request.wire().equals(state.lastAppliedDrain())) {
      return new Gate.Open(doneWhy);
    }
    if (request.wire().equals(state.desiredDrain())) {
      return new Gate.Wait(request);
    }
    return new Gate.Ask(request);
  }
}
