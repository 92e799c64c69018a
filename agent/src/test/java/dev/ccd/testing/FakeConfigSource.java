package dev.ccd.testing;

import dev.ccd.kube.ConfigListener;
import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.MachineConfigText;
import dev.ccd.kube.Watch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** MachineConfigs by name in memory; watchers of a name hear when it is put. */
public final class FakeConfigSource implements ConfigSource {
  private final Map<String, MachineConfigText> configs = new ConcurrentHashMap<>();
  private final List<Map.Entry<String, ConfigListener>> watchers = new CopyOnWriteArrayList<>();
  private int gets;
  private int lists;
  private int version;

  /** Creates or replaces the config; every put is a new resourceVersion, as on a server. */
  public FakeConfigSource put(String name, String json) {
    MachineConfigText text = new MachineConfigText(name, String.valueOf(++version), json);
    configs.put(name, text);
    watchers.stream()
        .filter(w -> w.getKey().equals(name))
        .forEach(w -> w.getValue().onConfig(text));
    return this;
  }

  public int gets() {
    return gets;
  }

  /** Watches started, each with a first list: the requests a real watch makes. */
  public int lists() {
    return lists;
  }

  public int watchers() {
    return watchers.size();
  }

  @Override
  public Optional<MachineConfigText> machineConfig(String name) {
    gets++;
    return Optional.ofNullable(configs.get(name));
  }

  @Override
  public Watch watch(String name, ConfigListener listener) {
    Map.Entry<String, ConfigListener> w = Map.entry(name, listener);
    watchers.add(w);
    lists++;
    // Like a watch's first list: the config as it is now, or that it is missing.
    Optional.ofNullable(configs.get(name)).ifPresentOrElse(listener::onConfig, listener::onMissing);
    return () -> watchers.remove(w);
  }
}
