package dev.ccd.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain HTTP endpoint of the agent: {@code /metrics} (Prometheus text 0.0.4), {@code /healthz} (200
 * while the liveness check passes, else 503), {@code /readyz} (200 once ready, else 503 with a
 * one-line reason), 404 elsewhere. Only GET and HEAD are answered (405 otherwise).
 */
public final class HealthServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

  /** Where the agent listens unless told otherwise: every address, MCD's metrics port. */
  public static final String DEFAULT_ADDRESS = ":8797";

  /** Content type of {@code /metrics}: Prometheus text exposition 0.0.4. */
  public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address} and starts serving.
   *
   * @param metrics the Prometheus text to serve on {@code /metrics}
   * @param liveness asked on each {@code /healthz}
   * @param readiness asked on each {@code /readyz}
   */
  public static HealthServer start(
      InetSocketAddress address,
      Supplier<String> metrics,
      Supplier<Check> liveness,
      Supplier<Check> readiness)
      throws IOException {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(liveness, "liveness");
    Objects.requireNonNull(readiness, "readiness");
    HttpServer server = HttpServer.create(address, 16);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            route(exchange, metrics, liveness, readiness);
          } catch (RuntimeException | IOException e) {
            log.warn("health endpoint {} failed: {}", exchange.getRequestURI(), e.toString());
          }
        });
    // One thread: probes and scrapes are rare and answered from memory in microseconds, and a
    // fixed pool keeps every thread it ever started.
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "health-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    log.info("serving /metrics, /healthz and /readyz on {}", server.getAddress());
    return new HealthServer(server, executor);
  }

  private static void route(
      HttpExchange exchange,
      Supplier<String> metrics,
      Supplier<Check> liveness,
      Supplier<Check> readiness)
      throws IOException {
    String method = exchange.getRequestMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
      return;
    }
    switch (exchange.getRequestURI().getPath()) {
      case "/metrics" -> send(exchange, 200, METRICS_CONTENT_TYPE, metrics.get());
      case "/healthz" -> sendCheck(exchange, liveness.get());
      case "/readyz" -> sendCheck(exchange, readiness.get());
      default -> send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
    }
  }

  private static void sendCheck(HttpExchange exchange, Check check) throws IOException {
    send(exchange, check.ok() ? 200 : 503, "text/plain; charset=utf-8", check.reason() + "\n");
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * Parses {@code host:port}; an empty host ({@code :8797}) means every address. IPv6 hosts go in
   * brackets ({@code [::1]:8797}).
   */
  public static InetSocketAddress parseAddress(String address) {
    Objects.requireNonNull(address, "address");
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("address '" + address + "' is not host:port");
    }
    String host = address.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + address + "' has no numeric port", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("address '" + address + "' has port out of range");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops serving and frees the port. */
  public void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }
}
