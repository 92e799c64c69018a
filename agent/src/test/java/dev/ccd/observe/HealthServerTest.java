package dev.ccd.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoints over real HTTP on 127.0.0.1. */
class HealthServerTest {

  /** A clock the test moves by hand. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");

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
      return now;
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final MovableClock clock = new MovableClock();
  private final Heartbeat heartbeat = new Heartbeat(clock, Duration.ofSeconds(30));
  private final Readiness readiness = new Readiness();
  private final AgentMetrics metrics = new AgentMetrics();
  private HealthServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        HealthServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            metrics::scrape,
            heartbeat::check,
            readiness::check);
  }

  @AfterEach
  void stop() {
    server.stop();
    metrics.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    assertThat(r.body()).contains("ccd_state{state=\"Done\"} 1.0", "jvm_memory_used_bytes");
  }

  @Test
  void healthzFollowsTheHeartbeat() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    clock.now = clock.now.plusSeconds(31);
    HttpResponse<String> stale = get("/healthz");
    assertThat(stale.statusCode()).isEqualTo(503);
    assertThat(stale.body()).isEqualTo("no heartbeat for 31s (limit 30s)\n");
    heartbeat.beat();
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void readyzIsNotReadyUntilToldAndSaysWhy() throws Exception {
    HttpResponse<String> starting = get("/readyz");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(starting.body()).isEqualTo("starting\n");
    readiness.ready();
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    readiness.notReady("watch of node n1 lost:\nconnection reset");
    HttpResponse<String> lost = get("/readyz");
    assertThat(lost.statusCode()).isEqualTo(503);
    assertThat(lost.body()).as("one line").isEqualTo("watch of node n1 lost: connection reset\n");
  }

  @Test
  void unknownPathsAre404AndOtherMethods405() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/metricsx").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(post.statusCode()).isEqualTo(405);
    HttpResponse<String> head =
        send(
            HttpRequest.newBuilder(uri("/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void stopFreesThePort() throws Exception {
    URI healthz = uri("/healthz");
    server.stop();
    assertThatThrownBy(() -> send(HttpRequest.newBuilder(healthz).GET().build()))
        .isInstanceOf(ConnectException.class);
    server =
        HealthServer.start(
            new InetSocketAddress("127.0.0.1", healthz.getPort()),
            () -> "",
            Check::passing,
            Check::passing);
    assertThat(send(HttpRequest.newBuilder(healthz).GET().build()).statusCode()).isEqualTo(200);
  }

  @Test
  void answersEveryRequestOnOneThread() throws Exception {
    Set<Thread> answering = ConcurrentHashMap.newKeySet();
    server.stop();
    server =
        HealthServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            () -> "",
            () -> {
              answering.add(Thread.currentThread());
              return Check.passing();
            },
            Check::passing);
    for (int i = 0; i < 4; i++) {
      assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }
    assertThat(answering).as("threads that answered 4 probes").hasSize(1);
  }

  @Test
  void parsesAddresses() {
    assertThat(HealthServer.parseAddress(":8797")).isEqualTo(new InetSocketAddress(8797));
    assertThat(HealthServer.parseAddress("127.0.0.1:0"))
        .isEqualTo(new InetSocketAddress("127.0.0.1", 0));
    assertThat(HealthServer.parseAddress("[::1]:9")).isEqualTo(new InetSocketAddress("::1", 9));
    assertThatThrownBy(() -> HealthServer.parseAddress("8797"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> HealthServer.parseAddress("localhost:http"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numeric port");
    assertThatThrownBy(() -> HealthServer.parseAddress(":70000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }
}
