package dev.ccd.agent;

import dev.ccd.kube.ConfigListener;
import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.FailureMessage;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.MachineConfigText;
import dev.ccd.kube.Watch;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Follows the desired MachineConfig by name and is the agent's only read of it: the watch's list
 * answers the first {@link #fetch}, later fetches take the newest object the watch delivered (a
 * cache of one object), so an update costs no GET. The config appearing (after Unreconcilable "not
 * found") or being edited in place asks for another pass.
 *
 * <p>It keeps two versions: the one a pass last read and the newest one the watch delivered. An
 * edit is new while the newest differs from the one read, so an edit that lands between a read and
 * its bookkeeping is never lost (the read and its bookkeeping are one step under the lock).
 */
final class DesiredConfigWatch implements AutoCloseable {
  /** How long a fetch waits for the watch's first list before the pass fails and is retried. */
  static final Duration FIRST_LIST_WAIT = Duration.ofSeconds(30);

  private final ConfigSource configs;
  private final Runnable kick;
  private final Duration firstListWait;
  private Watch watch;
  private String name = "";
  private String read = "";
  private String newest = "";

  /** The watch's newest answer for {@link #name}: null before its first list answered. */
  private Optional<MachineConfigText> answer;

  /** Why the watch broke before it first answered; cleared when a fetch reports it. */
  private Exception failure;

  /** A fetch waits for the first answer: that answer asks for no other pass. */
  private boolean waiting;

  DesiredConfigWatch(ConfigSource configs, Runnable kick) {
    this(configs, kick, FIRST_LIST_WAIT);
  }

  DesiredConfigWatch(ConfigSource configs, Runnable kick, Duration firstListWait) {
    this.configs = Objects.requireNonNull(configs);
    this.kick = Objects.requireNonNull(kick);
    this.firstListWait = Objects.requireNonNull(firstListWait);
  }

  /**
   * The desired config {@code config} as the watch knows it now (empty: it does not exist),
   * recorded as the version this pass read. Starts following it when it is not followed yet (the
   * watch of an earlier name ends) and waits for the watch's first list. Pass thread only.
   *
   * @throws KubeApiException when the watch broke before it could answer, or did not answer in time
   */
  Optional<MachineConfigText> fetch(String config) throws KubeApiException, InterruptedIOException {
    boolean follow;
    synchronized (this) {
      follow = !config.equals(name);
      waiting = true;
    }
    try {
      if (follow) {
        close();
        synchronized (this) {
          name = config;
          read = "";
          newest = "";
          answer = null;
          failure = null;
        }
        watch = configs.watch(config, new Listener(config));
      }
      return awaitAnswer(config);
    } finally {
      synchronized (this) {
        waiting = false;
      }
    }
  }

  private synchronized Optional<MachineConfigText> awaitAnswer(String config)
      throws KubeApiException, InterruptedIOException {
    long deadline = System.nanoTime() + firstListWait.toNanos();
    try {
      while (answer == null && failure == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new KubeApiException(
              0,
              "no answer from the API for MachineConfig "
                  + config
                  + " within "
                  + firstListWait.toSeconds()
                  + " s");
        }
        wait(Math.max(1, left / 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading MachineConfig " + config);
    }
    if (answer == null) {
      Exception cause = failure;
      failure = null;
      throw new KubeApiException(
          0, "watch MachineConfig " + config + ": " + FailureMessage.of(cause), cause);
    }
    read = answer.map(MachineConfigText::resourceVersion).orElse("");
    return answer;
  }

  private final class Listener implements ConfigListener {
    private final String config;

    Listener(String config) {
      this.config = config;
    }

    @Override
    public void onConfig(MachineConfigText mc) {
      delivered(config, Optional.of(mc));
    }

    @Override
    public void onMissing() {
      delivered(config, Optional.empty());
    }

    @Override
    public void onClose(Exception cause) {
      synchronized (DesiredConfigWatch.this) {
        if (config.equals(name) && answer == null) {
          failure = cause;
          DesiredConfigWatch.this.notifyAll();
        }
      }
    }
  }

  private void delivered(String config, Optional<MachineConfigText> mc) {
    synchronized (this) {
      if (!config.equals(name)) {
        return; // a late event of a config no longer followed
      }
      boolean first = answer == null;
      String version = mc.map(MachineConfigText::resourceVersion).orElse("");
      if (mc.isEmpty()) {
        if (!first) {
          return; // a relist that misses it keeps the last known object, as before this cache
        }
        answer = mc;
        notifyAll();
        return;
      }
      if (!first && !Versions.newer(version, newest)) {
        return; // nothing new
      }
      answer = mc;
      newest = version;
      notifyAll();
      if (waiting || version.equals(read)) {
        return; // the pass waiting for it takes it, or it is what the last pass read
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
    synchronized (this) {
      name = "";
      answer = null;
      failure = new java.io.IOException("the agent stopped following it");
      notifyAll(); // a fetch waiting for a first answer gives up
    }
  }
}
