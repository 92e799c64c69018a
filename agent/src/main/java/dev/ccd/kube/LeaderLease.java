package dev.ccd.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over a {@code coordination.k8s.io/v1} Lease (fabric8's {@code LeaderElector}):
 * {@code onLead} runs when this process becomes the leader, {@code onLoss} when it stops being it
 * (renewal failed, or {@link #close()}). After a loss the election starts again, so a replica that
 * lost the Lease for a moment competes for it again. Closing releases the Lease at once, so another
 * replica takes over without waiting for it to expire.
 */
public final class LeaderLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  /** Where the Lease is and how it is held; client-go's defaults are 15 s, 10 s, 2 s. */
  public record Settings(
      String namespace,
      String name,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(leaseDuration, "leaseDuration");
      Objects.requireNonNull(renewDeadline, "renewDeadline");
      Objects.requireNonNull(retryPeriod, "retryPeriod");
    }

    public static Settings defaults(String namespace, String name, String identity) {
      return new Settings(
          namespace,
          name,
          identity,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Runnable onLead;
  private final Runnable onLoss;
  private final ScheduledExecutorService restarts;
  private CompletableFuture<?> running;
  private boolean closed;

  private LeaderLease(
      KubernetesClient client, Settings settings, Runnable onLead, Runnable onLoss) {
    this.client = client;
    this.settings = settings;
    this.onLead = onLead;
    this.onLoss = onLoss;
    this.restarts =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ccd-leader-election");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts competing for the Lease; returns at once. */
  public static LeaderLease start(
      KubernetesClient client, Settings settings, Runnable onLead, Runnable onLoss) {
    LeaderLease lease =
        new LeaderLease(
            Objects.requireNonNull(client, "client"),
            Objects.requireNonNull(settings, "settings"),
            Objects.requireNonNull(onLead, "onLead"),
            Objects.requireNonNull(onLoss, "onLoss"));
    lease.elect();
    return lease;
  }

  private synchronized void elect() {
    if (closed) {
      return;
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(settings.name())
            .withLock(new LeaseLock(settings.namespace(), settings.name(), settings.identity()))
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> {
                      log.info(
                          "leading: holding Lease {}/{} as {}",
                          settings.namespace(),
                          settings.name(),
                          settings.identity());
                      onLead.run();
                    },
                    () -> {
                      log.info("stopped leading (Lease {})", settings.name());
                      onLoss.run();
                    },
                    leader -> log.info("Lease {} held by {}", settings.name(), leader)))
            .build();
    running = client.leaderElector().withConfig(config).build().start();
    running.whenComplete(
        (v, e) ->
            restarts.schedule(
                this::elect, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Stops competing; a held Lease is released (and {@code onLoss} runs). */
  @Override
  public void close() {
    CompletableFuture<?> r;
    synchronized (this) {
      closed = true;
      r = running;
    }
    if (r != null) {
      r.cancel(true);
    }
    restarts.shutdownNow();
  }
}
