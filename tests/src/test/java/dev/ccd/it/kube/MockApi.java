package dev.ccd.it.kube;

import dev.ccd.kube.KubeClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1 (expectations set with {@link #server()} come
 * first, everything else is stored in memory), and a client built by {@link KubeClients} as the
 * agent builds it.
 */
final class MockApi implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  MockApi() throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = KubeClients.forUrl("http://127.0.0.1:" + server.getPort());
  }

  KubernetesMockServer server() {
    return server;
  }

  KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
