package dev.ccd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class Fabric8EventSinkDropTest {

  @Test
  void aStuckApiNeverBlocksTheEmitterAndDropsAreCounted() throws IOException {
    // A server that accepts connections and never answers: the writer's first request hangs.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Config config =
          new ConfigBuilder()
              .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
              .withRequestTimeout(60_000)
              .withRequestRetryBackoffLimit(0)
              .build();
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        Fabric8EventSink sink = new Fabric8EventSink(client, "default", Clock.systemUTC());
        int emitted = Fabric8EventSink.QUEUE_LIMIT + 50;
        long start = System.nanoTime();
        for (int i = 0; i < emitted; i++) {
          sink.emit("n", EventType.WARNING, "Degraded", "attempt " + i);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        sink.close(Duration.ZERO);

        assertThat(took).as("emitting never waits for the API").isLessThan(Duration.ofSeconds(2));
        // one in the writer, QUEUE_LIMIT waiting, the rest dropped
        assertThat(sink.dropped())
            .isGreaterThanOrEqualTo(emitted - Fabric8EventSink.QUEUE_LIMIT - 1);
      }
    }
  }
}
