package dev.ccd.testing;

import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.NodeApi;
import dev.ccd.kube.NodeListener;
import dev.ccd.kube.NodeView;
import dev.ccd.kube.Watch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** One Node in memory: annotations, a watch that hears every change, and a log of patches. */
public final class FakeNodeApi implements NodeApi {
  private final String name;
  private final Map<String, String> annotations = new HashMap<>();
  private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> patches = new ArrayList<>();
  private int version;

  public FakeNodeApi(String name) {
    this.name = name;
  }

  /** Someone else (the controller, an operator) sets annotations; watchers hear it. */
  public synchronized NodeView annotate(Map<String, String> set) {
    annotations.putAll(set);
    version++;
    NodeView v = view();
    listeners.forEach(l -> l.onNode(v));
    return v;
  }

  public synchronized NodeView view() {
    return new NodeView(name, annotations, false, String.valueOf(version));
  }

  public synchronized String annotation(String key) {
    return annotations.get(key);
  }

  public synchronized List<Map<String, String>> patches() {
    return List.copyOf(patches);
  }

  @Override
  public synchronized NodeView get(String node) throws KubeApiException {
    if (!node.equals(name)) {
      throw new KubeApiException(404, "nodes \"" + node + "\" not found");
    }
    return view();
  }

  @Override
  public Watch watch(String node, NodeListener listener) {
    listeners.add(listener);
    listener.onNode(view());
    return () -> listeners.remove(listener);
  }

  @Override
  public synchronized NodeView patchAnnotations(String node, Map<String, String> set)
      throws KubeApiException {
    get(node);
    patches.add(Map.copyOf(set));
    annotations.putAll(set);
    version++;
    NodeView v = view();
    listeners.forEach(l -> l.onNode(v));
    return v;
  }
}
