package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ccd.kube.Backoff;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.NodeAnnotations;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRuntimeTest {
  @TempDir Path root;

  static List<String> agentThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(
            n ->
                n.equals("ccd-reconcile")
                    || n.equals("ccd-drift")
                    || n.equals("event-writer")
                    || n.startsWith("watch "))
        .toList();
  }

  @Test
  void aStartThatFailsStopsWhatItStarted() throws Exception {
    Files.createDirectories(root.resolve("etc/containers/registries.conf.d"));
    try (EmbeddedApi api = new EmbeddedApi();
        ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      api.client()
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName("n").endMetadata().build())
          .create();
      HostWiring host = HostWiring.forRoot(root, DemoCommand.RECORDED);
      AgentRuntime.Options options =
          new AgentRuntime.Options(
              "n",
              new NodeAnnotations(),
              Optional.of("127.0.0.1:" + busy.getLocalPort()), // the health server cannot bind
              new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5)),
              Duration.ofSeconds(1),
              Duration.ofMinutes(10),
              Duration.ofSeconds(5));

      assertThatThrownBy(() -> AgentRuntime.start(host, api.client(), options))
          .isInstanceOf(IOException.class);

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(agentThreads()).as("threads left running").isEmpty());
    }
  }
}
