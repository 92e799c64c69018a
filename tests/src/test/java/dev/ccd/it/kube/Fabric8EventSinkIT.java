package dev.ccd.it.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ccd.kube.ApiOutage;
import dev.ccd.kube.EmbeddedApi;
import dev.ccd.kube.EventType;
import dev.ccd.kube.Fabric8EventSink;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Events about a Node, written to and listed from the fabric8 mock API server (CRUD mode). */
class Fabric8EventSinkIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private EmbeddedApi api;
  private Node node;

  @BeforeEach
  void start() throws Exception {
    api = new EmbeddedApi();
    node =
        api.client()
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName("node-a")
                    .withUid("0b5c-uid")
                    .endMetadata()
                    .build())
            .create();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private List<Event> events() {
    return api.client().v1().events().inNamespace("default").list().getItems().stream()
        .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
        .toList();
  }

  private Fabric8EventSink sinkAt(Instant now) {
    return new Fabric8EventSink(api.client(), "default", Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void createsANodeEventWithAllFields() {
    try (Fabric8EventSink sink = sinkAt(T0)) {
      sink.emit("node-a", EventType.NORMAL, "ConfigApplied", "applied rendered-worker-2");
    }
    List<Event> events = events();
    assertThat(events).hasSize(1);
    Event e = events.get(0);
    assertThat(e.getMetadata().getName()).startsWith("node-a.");
    assertThat(e.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(e.getType()).isEqualTo("Normal");
    assertThat(e.getReason()).isEqualTo("ConfigApplied");
    assertThat(e.getMessage()).isEqualTo("applied rendered-worker-2");
    assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
    assertThat(e.getInvolvedObject().getName()).isEqualTo("node-a");
    assertThat(e.getInvolvedObject().getUid()).isEqualTo(node.getMetadata().getUid());
    assertThat(e.getSource().getComponent()).isEqualTo("ccd-agent");
    assertThat(e.getSource().getHost()).isEqualTo("node-a");
    assertThat(e.getReportingComponent()).isEqualTo("ccd-agent");
    assertThat(e.getReportingInstance()).isEqualTo("node-a");
    assertThat(e.getCount()).isEqualTo(1);
    assertThat(e.getFirstTimestamp()).isEqualTo("2025-03-01T10:00:00Z");
    assertThat(e.getLastTimestamp()).isEqualTo("2025-03-01T10:00:00Z");
  }

  @Test
  void repeatsAreCountedOnTheSameEventWithinTheWindowOnly() {
    Instant[] now = {T0};
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    Fabric8EventSink sink = new Fabric8EventSink(api.client(), "default", clock);
    sink.emit("node-a", EventType.WARNING, "UpdateFailed", "crio reload failed");
    now[0] = T0.plusSeconds(30);
    sink.emit("node-a", EventType.WARNING, "UpdateFailed", "crio reload failed");
    sink.emit("node-a", EventType.NORMAL, "ConfigApplied", "applied rendered-worker-2");
    await().atMost(DEADLINE).until(() -> events().size() == 2 && countOf("UpdateFailed") == 2);

    List<Event> events = events();
    assertThat(events).hasSize(2);
    Event failed =
        events.stream().filter(e -> e.getReason().equals("UpdateFailed")).findFirst().orElseThrow();
    assertThat(failed.getType()).isEqualTo("Warning");
    assertThat(failed.getCount()).isEqualTo(2);
    assertThat(failed.getFirstTimestamp()).isEqualTo("2025-03-01T10:00:00Z");
    assertThat(failed.getLastTimestamp()).isEqualTo("2025-03-01T10:00:30Z");

    now[0] = T0.plus(Fabric8EventSink.AGGREGATION_WINDOW).plusSeconds(31);
    sink.emit("node-a", EventType.WARNING, "UpdateFailed", "crio reload failed");
    sink.close();
    assertThat(events()).as("outside the window a new event is created").hasSize(3);
  }

  private int countOf(String reason) {
    return events().stream()
        .filter(e -> e.getReason().equals(reason))
        .mapToInt(Event::getCount)
        .sum();
  }

  @Test
  void unknownNodeUidIsLeftEmpty() {
    try (Fabric8EventSink sink = sinkAt(T0)) {
      sink.emit("node-gone", EventType.NORMAL, "ConfigApplied", "applied");
    }
    assertThat(events())
        .singleElement()
        .satisfies(e -> assertThat(e.getInvolvedObject().getUid()).isNull());
  }

  @Test
  void failuresAreLoggedAndTheWriterKeepsGoing() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      deadPort = s.getLocalPort();
    }
    // A dead server is said once per outage (ApiOutage, warning); the writes after it go to debug.
    Logger logger = (Logger) LoggerFactory.getLogger(ApiOutage.class);
    Level level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    // fabric8 retries a refused connection with backoff (~30 s by default); one try is enough here.
    Config once =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + deadPort)
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient dead =
        new KubernetesClientBuilder()
            .withConfig(once)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build()) {
      Fabric8EventSink sink = new Fabric8EventSink(dead, "default", Clock.systemUTC());
      assertThatCode(
              () -> {
                sink.emit("node-a", EventType.WARNING, "UpdateFailed", "nobody listens");
                sink.emit("node-a", EventType.NORMAL, "ConfigApplied", "nobody listens either");
              })
          .doesNotThrowAnyException();
      sink.close(Duration.ofSeconds(30));
    } finally {
      logger.detachAppender(logged);
      logger.setLevel(level);
    }
    String server = "API server http://127.0.0.1:" + deadPort;
    assertThat(logged.list)
        .as("both writes were tried against the unreachable API: the first opens the outage")
        .hasSize(2)
        .satisfiesExactly(
            first -> {
              assertThat(first.getLevel()).isEqualTo(Level.WARN);
              assertThat(first.getFormattedMessage())
                  .startsWith("record event Warning UpdateFailed for node node-a failed: " + server)
                  .contains("connection refused")
                  .endsWith("until it answers)");
            },
            second -> {
              assertThat(second.getLevel()).isEqualTo(Level.DEBUG);
              assertThat(second.getFormattedMessage())
                  .startsWith("record event Normal ConfigApplied for node node-a failed: " + server)
                  .endsWith("(the API server is still down)");
            });
    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .as("the cause in words: no Java class name, no closed client")
        .noneSatisfy(
            m -> assertThat(m).containsAnyOf("Exception", "java.", "Client already closed"));
  }

  @Test
  void eventsOfTheSameSecondGetDistinctNames() {
    try (Fabric8EventSink sink = sinkAt(T0)) {
      for (int i = 0; i < 5; i++) {
        sink.emit("node-a", EventType.NORMAL, "Step", "step " + i);
      }
    }
    assertThat(events())
        .extracting(e -> e.getMetadata().getName())
        .doesNotHaveDuplicates()
        .hasSize(5);
  }
}
