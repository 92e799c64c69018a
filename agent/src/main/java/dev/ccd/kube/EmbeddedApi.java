package dev.ccd.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * An in-process Kubernetes API (fabric8's mock server in CRUD mode) on 127.0.0.1, for {@code ccd
 * demo} and the integration tests: objects are stored in memory, watches and JSON merge patches
 * work; strategic merge patches do not.
 */
public final class EmbeddedApi implements AutoCloseable {
  /** The mock server logs every request at INFO through java.util.logging; keep it quiet. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public EmbeddedApi() throws IOException {
    this(new HashMap<>());
  }

  private EmbeddedApi(Map<ServerRequest, Queue<ServerResponse>> responses) throws IOException {
    this(responses, new KubernetesMixedDispatcher(responses));
  }

  /** An API answered by {@code dispatcher} (a CRUD dispatcher that handles some paths itself). */
  public EmbeddedApi(Dispatcher dispatcher) throws IOException {
    this(new HashMap<>(), dispatcher);
  }

  private EmbeddedApi(Map<ServerRequest, Queue<ServerResponse>> responses, Dispatcher dispatcher)
      throws IOException {
    server =
        new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = KubeClients.forUrl(url());
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** The mock server, for expectations a test sets before CRUD handles the rest. */
  public KubernetesMockServer server() {
    return server;
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
