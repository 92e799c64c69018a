package dev.ccd.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ConfigSource} over fabric8's generic resources, so the JSON handed on is exactly what the
 * API stored (no round trip through a typed model that could drop fields).
 */
public final class Fabric8ConfigSource implements ConfigSource {

  /** Cluster-scoped {@code machineconfiguration.openshift.io/v1} {@code machineconfigs}. */
  public static final ResourceDefinitionContext MACHINE_CONFIGS =
      new ResourceDefinitionContext.Builder()
          .withGroup("machineconfiguration.openshift.io")
          .withVersion("v1")
          .withKind("MachineConfig")
          .withPlural("machineconfigs")
          .withNamespaced(false)
          .build();

  private final KubernetesClient client;
  private final Backoff watchBackoff;

  public Fabric8ConfigSource(KubernetesClient client) {
    this(client, Backoff.WATCH_DEFAULT);
  }

  public Fabric8ConfigSource(KubernetesClient client, Backoff watchBackoff) {
    this.client = Objects.requireNonNull(client, "client");
    this.watchBackoff = Objects.requireNonNull(watchBackoff, "watchBackoff");
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      configs() {
    return client.genericKubernetesResources(MACHINE_CONFIGS);
  }

  @Override
  public Optional<MachineConfigText> machineConfig(String name) throws KubeApiException {
    try {
      return Optional.ofNullable(configs().withName(name).get()).map(Fabric8ConfigSource::text);
    } catch (KubernetesClientException e) {
      throw Fabric8NodeApi.failure(client, "get MachineConfig " + name, e);
    }
  }

  @Override
  public Watch watch(String name, ConfigListener listener) {
    Objects.requireNonNull(listener, "listener");
    ApiOutage outage = ApiOutage.of(client);
    ResilientWatch.Sink<MachineConfigText> sink =
        new ResilientWatch.Sink<>() {
          @Override
          public void current(Optional<MachineConfigText> object) {
            object.ifPresentOrElse(listener::onConfig, listener::onMissing);
          }

          @Override
          public void lost(Exception cause) {
            // Said with the server, so the agent's log line and Degraded reason name it.
            listener.onClose(
                new KubeApiException(
                    FailureMessage.code(cause),
                    outage.describe("watch of " + "MachineConfig " + name, cause)));
          }
        };
    ResilientWatch.Source<MachineConfigText> source =
        new ResilientWatch.Source<>() {
          @Override
          public ResilientWatch.Listed<MachineConfigText> list() {
            GenericKubernetesResourceList list = configs().withField("metadata.name", name).list();
            Optional<MachineConfigText> found =
                list.getItems().stream()
                    .filter(r -> name.equals(r.getMetadata().getName()))
                    .findFirst()
                    .map(Fabric8ConfigSource::text);
            String rv = list.getMetadata() == null ? null : list.getMetadata().getResourceVersion();
            return new ResilientWatch.Listed<>(found, rv);
          }

          @Override
          public AutoCloseable watch(
              String resourceVersion, ResilientWatch.Events<MachineConfigText> events) {
            return configs()
                .withField("metadata.name", name)
                .watch(
                    new ListOptionsBuilder().withResourceVersion(resourceVersion).build(),
                    new Watcher<GenericKubernetesResource>() {
                      @Override
                      public void eventReceived(Action action, GenericKubernetesResource r) {
                        if ((action == Action.ADDED || action == Action.MODIFIED)
                            && name.equals(r.getMetadata().getName())) {
                          events.changed(text(r));
                        }
                      }

                      @Override
                      public void onClose(WatcherException cause) {
                        events.failed(cause);
                      }

                      @Override
                      public void onClose() {}
                    });
          }
        };
    return ResilientWatch.start("MachineConfig " + name, source, sink, watchBackoff, outage);
  }

  private static MachineConfigText text(GenericKubernetesResource r) {
    return new MachineConfigText(
        r.getMetadata().getName(), r.getMetadata().getResourceVersion(), Serialization.asJson(r));
  }
}
