package dev.ccd.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ccd.host.HostFiles;
import dev.ccd.kube.DrainState;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeAnnotations;
import dev.ccd.kube.NodeApi;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import dev.ccd.machineconfig.FileState;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Host mode's Node: its {@code desiredConfig} is the name of what the desired-config path holds,
 * and the annotations the agent writes ({@code currentConfig}, {@code state}, {@code reason}, …) go
 * to a status file ({@link #STATUS_FILE}, JSON, one key per annotation) instead of the API.
 */
final class LocalNodeApi implements NodeApi {
  /** Host path of the status file (under {@code --root}). */
  static final String STATUS_FILE = "/var/lib/ccd/host-status.json";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final DesiredConfigPath desired;
  private final HostFiles files;
  private final NodeAnnotations keys;
  private final Duration period;

  /**
   * The desired config as last read. A patch answers with it rather than reading the path again, as
   * the API answers a patch with the Node it patched: a change of the path is then seen by the
   * watch (a new state to act on), never only inside a patch's answer, which the agent treats as
   * the echo of its own write.
   */
  private volatile String lastDesired = "";

  LocalNodeApi(DesiredConfigPath desired, HostFiles files, NodeAnnotations keys, Duration period) {
    this.desired = desired;
    this.files = files;
    this.keys = keys;
    this.period = period;
  }

  @Override
  public NodeView get(String node) throws KubeApiException {
    try {
      lastDesired = desired.read().name();
    } catch (IOException e) {
      throw new KubeApiException(0, "desired config " + e.getMessage(), e);
    }
    return view(node, stored());
  }

  private NodeView view(String node, Map<String, String> annotations) {
    if (lastDesired.isEmpty()) {
      annotations.remove(keys.desiredConfigKey());
    } else {
      annotations.put(keys.desiredConfigKey(), lastDesired);
    }
    // A host without a cluster has nowhere to move its workloads: like a single-replica control
    // plane it never asks for a drain (nothing would ever answer it).
    annotations.put(keys.controlPlaneTopologyKey(), DrainState.SINGLE_REPLICA);
    return new NodeView(node, annotations, false, "");
  }

  @Override
  public synchronized NodeView patchAnnotations(String node, Map<String, String> set)
      throws KubeApiException {
    Map<String, String> annotations = stored();
    set.forEach(
        (k, v) -> {
          if (v == null) {
            annotations.remove(k);
          } else {
            annotations.put(k, v);
          }
        });
    annotations.remove(keys.desiredConfigKey()); // the path says it; a copy would only go stale
    annotations.remove(keys.controlPlaneTopologyKey()); // host mode's, never stored
    try {
      files.writeAtomically(STATUS_FILE, JSON.writeValueAsBytes(annotations), 0644, 0, 0);
    } catch (IOException e) {
      throw new KubeApiException(0, "status file " + STATUS_FILE + ": " + e.getMessage(), e);
    }
    return view(node, annotations);
  }

  @Override
  public Watch watch(String node, NodeListener listener) {
    return PathPoll.every(
        period,
        "ccd-host-node",
        new Runnable() {
          private NodeView delivered;
          private boolean broken;

          @Override
          public void run() {
            try {
              NodeView now = get(node);
              if (broken || delivered == null || !now.equals(delivered)) {
                delivered = now;
                broken = false;
                listener.onNode(now);
              }
            } catch (KubeApiException | RuntimeException e) {
              if (!broken) {
                broken = true;
                listener.onClose(e);
              }
            }
          }
        });
  }

  private Map<String, String> stored() throws KubeApiException {
    try {
      Optional<FileState> file = files.read(STATUS_FILE);
      if (file.isEmpty()) {
        return new TreeMap<>();
      }
      return new TreeMap<>(
          JSON.readValue(file.get().content(), new TypeReference<Map<String, String>>() {}));
    } catch (IOException e) {
      throw new KubeApiException(
          0, "status file " + STATUS_FILE + " unreadable: " + e.getMessage(), e);
    }
  }
}
