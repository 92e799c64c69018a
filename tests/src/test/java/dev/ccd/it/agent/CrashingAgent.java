package dev.ccd.it.agent;

import dev.ccd.cli.AgentRuntime;
import dev.ccd.cli.HostWiring;
import dev.ccd.kube.Backoff;
import dev.ccd.kube.KubeClients;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.plan.DisruptionRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A child-process agent for {@link AgentCrashIT}: the same wiring and start-up as {@code ccd
 * agent}, with an applier hook that kills the JVM ({@link Runtime#halt}, no shutdown hooks, like
 * SIGKILL) the moment a named step is reached. Test code only; production has no such switch.
 *
 * <p>Arguments: ROOT API_URL NODE HALT_AT_STEP. The system bus comes from {@code
 * DBUS_SYSTEM_BUS_ADDRESS}.
 */
public final class CrashingAgent {
  /** The exit status that proves the halt happened at the step asked for. */
  static final int HALTED = 86;

  private CrashingAgent() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String url = args[1];
    String node = args[2];
    String haltAt = args[3];
    HostWiring host =
        HostWiring.forAgent(
            root,
            HostWiring.Settings.agent("crio.service", Duration.ofSeconds(30))
                .withRules(DisruptionRules.defaults())
                .withHook(
                    step -> {
                      System.out.println("STEP " + step);
                      if (step.equals(haltAt)) {
                        System.out.println("HALT " + step);
                        System.out.flush();
                        Runtime.getRuntime().halt(HALTED);
                      }
                    }));
    host.mounts().restoreAfterCrash();
    host.applier().recover().ifPresent(r -> System.out.println("RECOVERED " + r));
    AgentRuntime.start(
        host,
        KubeClients.forUrl(url),
        new AgentRuntime.Options(
            node,
            new NodeAnnotations(),
            Optional.empty(),
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(2)),
            Duration.ofSeconds(1),
            Duration.ofMinutes(10),
            Duration.ofSeconds(10)));
    // the reconcile thread keeps the JVM alive until the hook halts it or the test kills it
  }
}
