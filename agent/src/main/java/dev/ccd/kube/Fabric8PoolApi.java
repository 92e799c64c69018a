package dev.ccd.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.registries.MirrorSets;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.openshift.api.model.config.v1.Image;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import io.fabric8.openshift.api.model.config.v1.ImageTagMirrorSet;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPool;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolSpec;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatus;
import io.fabric8.openshift.api.model.machineconfiguration.v1.MachineConfigPoolStatusConfiguration;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PoolApi} over fabric8: one shared informer per kind (started and synced by the first
 * watch, stopped by {@link #close()}), typed openshift-model classes for pools and mirror sets, the
 * MachineConfigs as generic resources (their Ignition is read as written), and read-modify-write
 * updates that retry on 409 Conflict.
 */
public final class Fabric8PoolApi implements PoolApi, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Fabric8PoolApi.class);
  private static final int CONFLICT = 409;
  private static final int ATTEMPTS = 5;
  private static final String IMAGE_CONFIG = "cluster";

  private final KubernetesClient client;
  private final NodeApi nodeApi;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private SharedIndexInformer<MachineConfigPool> pools;
  private SharedIndexInformer<Node> nodes;
  private SharedIndexInformer<GenericKubernetesResource> configs;
  private SharedIndexInformer<ImageDigestMirrorSet> idms;
  private SharedIndexInformer<ImageTagMirrorSet> itms;
  private SharedIndexInformer<ImageContentSourcePolicy> icsp;
  private SharedIndexInformer<Image> images;

  public Fabric8PoolApi(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
    this.nodeApi = new Fabric8NodeApi(client);
  }

  @Override
  public synchronized Watch watch(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (informers.isEmpty()) {
      startInformers();
    }
    // Added after the caches are filled, so the listener can read every kind; the replay tells it
    // what the caches already hold.
    listeners.add(listener);
    replay(listener);
    return () -> listeners.remove(listener);
  }

  private void startInformers() {
    pools = inform(client.resources(MachineConfigPool.class).inform(handler(Kind.POOL)));
    nodes = inform(client.nodes().inform(handler(Kind.NODE)));
    configs =
        inform(
            client
                .genericKubernetesResources(Fabric8ConfigSource.MACHINE_CONFIGS)
                .inform(handler(Kind.MACHINE_CONFIG)));
    idms = inform(client.resources(ImageDigestMirrorSet.class).inform(handler(Kind.MIRROR_SETS)));
    itms = inform(client.resources(ImageTagMirrorSet.class).inform(handler(Kind.MIRROR_SETS)));
    icsp =
        inform(client.resources(ImageContentSourcePolicy.class).inform(handler(Kind.MIRROR_SETS)));
    images = inform(client.resources(Image.class).inform(handler(Kind.MIRROR_SETS)));
  }

  private <T> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
    informers.add(informer);
    return informer;
  }

  private void replay(Listener listener) {
    pools.getStore().list().forEach(p -> listener.changed(Kind.POOL, name(p)));
    nodes.getStore().list().forEach(n -> listener.changed(Kind.NODE, name(n)));
    configs.getStore().list().forEach(c -> listener.changed(Kind.MACHINE_CONFIG, name(c)));
    listener.changed(Kind.MIRROR_SETS, "");
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(Kind kind) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        tell(kind, name(obj));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        tell(kind, name(newObj));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        tell(kind, name(obj));
      }
    };
  }

  private void tell(Kind kind, String name) {
    for (Listener l : listeners) {
      try {
        l.changed(kind, name);
      } catch (RuntimeException e) {
        log.warn("listener failed on {} {}: {}", kind, name, FailureMessage.of(e));
      }
    }
  }

  private static String name(HasMetadata o) {
    return o.getMetadata() == null ? "" : Objects.toString(o.getMetadata().getName(), "");
  }

  @Override
  public List<MachineConfigPool> pools() {
    return List.copyOf(started(pools).getStore().list());
  }

  @Override
  public List<Node> nodes() {
    return List.copyOf(started(nodes).getStore().list());
  }

  @Override
  public List<JsonNode> machineConfigs() {
    return started(configs).getStore().list().stream()
        .map(c -> client.getKubernetesSerialization().convertValue(c, JsonNode.class))
        .toList();
  }

  @Override
  public MirrorSets mirrorSets() {
    Optional<Image> image =
        started(images).getStore().list().stream()
            .filter(i -> IMAGE_CONFIG.equals(name(i)))
            .findFirst();
    return MirrorSets.of(
        started(idms).getStore().list(), itms.getStore().list(), icsp.getStore().list(), image);
  }

  private synchronized <T> SharedIndexInformer<T> started(SharedIndexInformer<T> informer) {
    if (informer == null) {
      throw new IllegalStateException("read before the first watch started the caches");
    }
    return informer;
  }

  @Override
  public void applyMachineConfig(ObjectNode object) throws KubeApiException {
    GenericKubernetesResource wanted =
        client.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
    String name = name(wanted);
    retry(
        "write MachineConfig " + name,
        () -> {
          var op = client.genericKubernetesResources(Fabric8ConfigSource.MACHINE_CONFIGS);
          GenericKubernetesResource existing = op.withName(name).get();
          if (existing == null) {
            op.resource(wanted).create();
          } else {
            wanted.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            op.resource(wanted).update();
          }
        });
  }

  @Override
  public void deleteMachineConfig(String name) throws KubeApiException {
    retry(
        "delete MachineConfig " + name,
        () ->
            client
                .genericKubernetesResources(Fabric8ConfigSource.MACHINE_CONFIGS)
                .withName(name)
                .delete());
  }

  @Override
  public void setPoolConfiguration(String pool, String rendered, List<String> sources)
      throws KubeApiException {
    List<ObjectReference> refs =
        sources.stream()
            .map(
                s ->
                    new ObjectReferenceBuilder()
                        .withApiVersion("machineconfiguration.openshift.io/v1")
                        .withKind("MachineConfig")
                        .withName(s)
                        .build())
            .toList();
    updatePool(
        "set spec.configuration of MachineConfigPool " + pool,
        pool,
        p -> {
          if (p.getSpec() == null) {
            p.setSpec(new MachineConfigPoolSpec());
          }
          MachineConfigPoolStatusConfiguration c = new MachineConfigPoolStatusConfiguration();
          c.setName(rendered);
          c.setSource(refs);
          p.getSpec().setConfiguration(c);
          return p;
        },
        false);
  }

  @Override
  public void setPoolStatus(String pool, MachineConfigPoolStatus status) throws KubeApiException {
    updatePool(
        "write status of MachineConfigPool " + pool,
        pool,
        p -> {
          p.setStatus(status);
          return p;
        },
        true);
  }

  private void updatePool(
      String what, String pool, UnaryOperator<MachineConfigPool> change, boolean status)
      throws KubeApiException {
    retry(
        what,
        () -> {
          var op = client.resources(MachineConfigPool.class);
          MachineConfigPool current = op.withName(pool).get();
          if (current == null) {
            throw new KubernetesClientException(
                "MachineConfigPool " + pool + " not found", 404, null);
          }
          MachineConfigPool changed = change.apply(current);
          if (status) {
            op.resource(changed).updateStatus();
          } else {
            op.resource(changed).update();
          }
        });
  }

  @Override
  public void patchNodeAnnotations(String node, Map<String, String> set) throws KubeApiException {
    nodeApi.patchAnnotations(node, set);
  }

  private interface Call {
    void run();
  }

  private void retry(String what, Call call) throws KubeApiException {
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != CONFLICT || attempt >= ATTEMPTS) {
          throw Fabric8NodeApi.failure(client, what, e);
        }
        log.debug("conflict: {} (attempt {}), retrying", what, attempt);
      }
    }
  }

  @Override
  public synchronized void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
    listeners.clear();
  }
}
