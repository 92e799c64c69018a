package dev.ccd.agent;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the agent when its managed files may have drifted: on every inotify event in the managed
 * directories (content, mode, creation, removal, rename) and on a periodic full check. It only asks
 * for a check; the reconcile pass decides whether anything drifted.
 */
public final class DriftMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriftMonitor.class);

  private final Path root;
  private final List<String> hostDirectories;
  private final Duration period;
  private final Runnable check;
  private final Map<Path, WatchKey> keys = new HashMap<>();
  private WatchService watcher;
  private Thread thread;
  private volatile boolean closed;

  public DriftMonitor(Path root, List<String> hostDirectories, Duration period, Runnable check) {
    this.root = root;
    this.hostDirectories = List.copyOf(hostDirectories);
    this.period = period;
    this.check = check;
  }

  public DriftMonitor start() throws IOException {
    watcher = FileSystems.getDefault().newWatchService();
    registerExisting();
    thread = new Thread(this::run, "ccd-drift");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void run() {
    long nextFull = System.nanoTime() + period.toNanos();
    while (!closed) {
      try {
        long wait = Math.max(1, nextFull - System.nanoTime());
        WatchKey key = watcher.poll(wait, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          if (!key.reset()) {
            keys.values().remove(key);
          }
          check.run();
        }
        if (System.nanoTime() >= nextFull) {
          registerExisting(); // directories created since the last check
          check.run();
          nextFull = System.nanoTime() + period.toNanos();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("drift monitor: {}", e.toString());
      }
    }
  }

  private void registerExisting() throws IOException {
    for (String dir : hostDirectories) {
      Path p = root.resolve(dir.substring(1));
      if (!keys.containsKey(p) && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        keys.put(
            p,
            p.register(
                watcher,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      LOG.debug("closing the watch service: {}", e.toString());
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
