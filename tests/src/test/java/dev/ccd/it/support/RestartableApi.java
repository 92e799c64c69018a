package dev.ccd.it.support;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 mock API (CRUD mode) on a fixed 127.0.0.1 port that a test can stop (an API-server
 * outage) and start again on the same port with the same Nodes and MachineConfigs. It counts the
 * requests it serves ({@code PATCH nodes}, {@code POST events}, …) and lets a test answer some
 * requests itself (an Events endpoint that fails or hangs).
 */
public final class RestartableApi implements AutoCloseable {
  /** Answers a request instead of the CRUD store, or declines with empty. */
  @FunctionalInterface
  public interface Fault {
    Optional<MockResponse> answer(RecordedRequest request);
  }

  private static final String MC_API = "machineconfiguration.openshift.io/v1";
  private static final Pattern STATE =
      Pattern.compile("\"machineconfiguration\\.openshift\\.io/state\"\\s*:\\s*\"(\\w+)\"");

  /** The mock server logs every request at INFO through java.util.logging; keep it quiet. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private static final Pattern RESOURCE_VERSION = Pattern.compile("[?&]resourceVersion=(\\d+)");

  private final int port;

  /** Watches from before the last restart (resourceVersion at or below this) are answered 410. */
  private volatile long staleAtOrBelow = -1;

  /** While the restarted server is being filled, only the test's own client is served. */
  private volatile boolean restoring;

  private static final String TEST_AGENT = "ccd-it-restartable-api";

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private volatile Fault fault = r -> Optional.empty();
  private KubernetesMockServer server;
  private KubernetesClient client;
  private List<Node> nodes = List.of();
  private List<GenericKubernetesResource> configs = List.of();

  public RestartableApi() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    startServer();
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The test's own client (it keeps working across a restart: same URL). */
  public KubernetesClient client() {
    return client;
  }

  public void fault(Fault f) {
    this.fault = f;
  }

  /** Requests served so far, by {@code METHOD resource} ({@code PATCH nodes}, {@code GET …}). */
  public Map<String, Long> counts() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  public long count(String key) {
    AtomicLong n = counts.get(key);
    return n == null ? 0 : n.get();
  }

  /** Stops the server, remembering its Nodes and MachineConfigs for {@link #start}. */
  public synchronized void stop() {
    var nodeList = client.nodes().list();
    var mcList = client.genericKubernetesResources(MC_API, "MachineConfig").list();
    long newest = 0;
    newest = Math.max(newest, rv(nodeList.getMetadata().getResourceVersion()));
    newest = Math.max(newest, rv(mcList.getMetadata().getResourceVersion()));
    for (HasMetadata o : nodeList.getItems()) {
      newest = Math.max(newest, rv(o.getMetadata().getResourceVersion()));
    }
    for (HasMetadata o : mcList.getItems()) {
      newest = Math.max(newest, rv(o.getMetadata().getResourceVersion()));
    }
    for (HasMetadata o : client.v1().events().inAnyNamespace().list().getItems()) {
      newest = Math.max(newest, rv(o.getMetadata().getResourceVersion()));
    }
    staleAtOrBelow = newest;
    nodes = nodeList.getItems().stream().map(RestartableApi::fresh).toList();
    configs = mcList.getItems().stream().map(RestartableApi::fresh).toList();
    server.destroy();
  }

  private static long rv(String v) {
    try {
      return v == null ? 0 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Starts a new server on the same port holding what {@link #stop} saw, Nodes edited first. */
  public synchronized void start(UnaryOperator<Node> nodeEdit) throws IOException {
    restoring = true;
    startServer();
    // A real API server keeps its resourceVersions across a restart (etcd's revision) and
    // answers a watch from before its watch cache with 410 Gone; the mock starts again at 1, so
    // its counter is moved past the old versions first, and old watches get the 410.
    io.fabric8.kubernetes.api.model.ConfigMap bump =
        client
            .configMaps()
            .inNamespace("default")
            .resource(
                new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("resource-version-bump")
                    .endMetadata()
                    .build())
            .create();
    for (int i = 0; rv(bump.getMetadata().getResourceVersion()) <= staleAtOrBelow; i++) {
      String n = Integer.toString(i);
      bump =
          client
              .configMaps()
              .inNamespace("default")
              .withName("resource-version-bump")
              .edit(
                  c ->
                      new io.fabric8.kubernetes.api.model.ConfigMapBuilder(c)
                          .addToData("n", n)
                          .build());
    }
    for (GenericKubernetesResource mc : configs) {
      client.resource(mc).create();
    }
    for (Node n : nodes) {
      client.resource(nodeEdit.apply(n)).create();
    }
    restoring = false;
  }

  private void startServer() throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new CountingDispatcher(responses),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), port);
    if (client == null) {
      client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder(
                          io.fabric8.kubernetes.client.Config.empty())
                      .withMasterUrl(url())
                      .withUserAgent(TEST_AGENT)
                      .build())
              .build();
    }
  }

  private static <T extends HasMetadata> T fresh(T object) {
    object.getMetadata().setResourceVersion(null);
    object.getMetadata().setUid(null);
    object.getMetadata().setCreationTimestamp(null);
    return object;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private final class CountingDispatcher extends KubernetesMixedDispatcher {
    CountingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
      super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String key = key(request);
      counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      if (key.equals("PATCH nodes")) {
        // which state the agent reported: a retry storm shows as many Working/Degraded patches
        // getBytes() leaves the body for the CRUD store (getUtf8Body() would consume it)
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().getBytes();
        Matcher m = STATE.matcher(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        if (m.find()) {
          counts
              .computeIfAbsent("PATCH nodes state=" + m.group(1), k -> new AtomicLong())
              .incrementAndGet();
        }
      }
      if (restoring && !TEST_AGENT.equals(request.getHeader("User-Agent"))) {
        // an API server that is still starting: its storage is not ready yet
        counts.computeIfAbsent("503 while starting", k -> new AtomicLong()).incrementAndGet();
        return new MockResponse()
            .setResponseCode(503)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"message\":\"the server is currently unable to handle the request\","
                    + "\"reason\":\"ServiceUnavailable\",\"code\":503}");
      }
      if (key.startsWith("WATCH ")) {
        Matcher rv = RESOURCE_VERSION.matcher(String.valueOf(request.getPath()));
        if (rv.find() && Long.parseLong(rv.group(1)) <= staleAtOrBelow) {
          counts.computeIfAbsent("410 Gone", k -> new AtomicLong()).incrementAndGet();
          // as kube-apiserver does: the watch opens, then says 410 Expired in an ERROR event
          return new MockResponse()
              .withWebSocketUpgrade(
                  new io.fabric8.mockwebserver.http.WebSocketListener() {
                    @Override
                    public void onOpen(
                        io.fabric8.mockwebserver.http.WebSocket ws,
                        io.fabric8.mockwebserver.http.Response response) {
                      ws.send(
                          "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
                              + "\"apiVersion\":\"v1\",\"status\":\"Failure\","
                              + "\"message\":\"too old resource version\","
                              + "\"reason\":\"Expired\",\"code\":410}}");
                      ws.close(1000, "expired");
                    }
                  });
        }
      }
      return fault.answer(request).orElseGet(() -> super.dispatch(request));
    }
  }

  /** {@code PATCH nodes}, {@code WATCH nodes}, {@code POST events}: method and resource kind. */
  static String key(RecordedRequest r) {
    String path = r.getPath() == null ? "" : r.getPath();
    String noQuery = path.split("\\?")[0];
    List<String> parts = new ArrayList<>(List.of(noQuery.split("/")));
    parts.removeIf(String::isEmpty);
    String kind = "?";
    for (String k : List.of("nodes", "events", "machineconfigs")) {
      if (parts.contains(k)) {
        kind = k;
      }
    }
    String method = path.contains("watch=true") ? "WATCH" : r.getMethod();
    return method + " " + kind;
  }
}
