package dev.ccd.cli;

import dev.ccd.kube.NodeAnnotations;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ccd agent --desired-config PATH}: the agent on a host without Kubernetes. The desired
 * MachineConfig comes from PATH ({@link DesiredConfigPath}), the state goes to a status file
 * ({@link LocalNodeApi}), Events to the log; the rest of the agent is the same.
 */
final class HostMode {
  /** How often PATH and the status file are read. */
  static final Duration POLL = Duration.ofSeconds(2);

  private HostMode() {}

  static AgentRuntime.Edges edges(Path desired, HostWiring host, NodeAnnotations keys) {
    DesiredConfigPath path = new DesiredConfigPath(desired, InputFile.Limits.current().config());
    return new AgentRuntime.Edges(
        new LocalNodeApi(path, host.files(), keys, POLL),
        new LocalConfigSource(path, POLL),
        new LogEventSink(),
        wait -> {},
        metrics -> {});
  }
}
