package dev.ccd.agent;

import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.Watch;
import java.util.Objects;

/**
 * Follows the desired MachineConfig by name, so that it appearing (after Unreconcilable "not
 * found") or being edited in place asks for another pass. It keeps two versions: the one a pass
 * last read and the newest one the watch delivered. An edit is new while the newest differs from
 * the one read, whichever of the read and the watch event came first, so an edit that lands between
 * a read and its bookkeeping is never lost.
 */
final class DesiredConfigWatch implements AutoCloseable {
  private final ConfigSource configs;
  private final Runnable kick;
  private Watch watch;
  private volatile String name = "";
  private volatile String read = "";
  private volatile String newest = "";

  DesiredConfigWatch(ConfigSource configs, Runnable kick) {
    this.configs = Objects.requireNonNull(configs);
    this.kick = Objects.requireNonNull(kick);
  }

  /**
   * A pass read {@code config} at {@code version} ({@code ""}: it does not exist). Starts following
   * it when it is not followed yet (the watch of an earlier name ends); the watch's first delivery
   * of the version just read then asks for nothing. Pass thread only.
   */
  void read(String config, String version) {
    if (!config.equals(name)) {
      close();
      synchronized (this) {
        name = config;
        read = version;
        newest = version;
      }
      watch = configs.watch(config, mc -> delivered(config, mc.resourceVersion()));
      return;
    }
    synchronized (this) {
      read = version;
      if (Versions.newer(version, newest)) {
        newest = version;
      }
    }
  }

  private void delivered(String config, String version) {
    synchronized (this) {
      if (!config.equals(name) || !Versions.newer(version, newest)) {
        return; // a late event of a config no longer followed, or nothing new
      }
      newest = version;
      if (version.equals(read)) {
        return;
      }
    }
    kick.run();
  }

  /** True when {@code config} is followed, was read, and nothing newer has been seen since. */
  synchronized boolean unchangedSinceRead(String config) {
    return config.equals(name) && !read.isEmpty() && read.equals(newest);
  }

  /** The newest version known of {@code config}; {@code ""} when it is not followed. */
  synchronized String knownVersion(String config) {
    return config.equals(name) ? newest : "";
  }

  /** The version the last pass read of {@code config}; {@code ""} when none. */
  synchronized String readVersion(String config) {
    return config.equals(name) ? read : "";
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
      watch = null;
    }
    name = "";
  }
}
