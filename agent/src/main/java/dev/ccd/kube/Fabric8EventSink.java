package dev.ccd.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventSink} writing core/v1 Events about Nodes: namespace {@code default} (API servers
 * reject other namespaces for a cluster-scoped object), involvedObject the Node, source component
 * and reportingComponent the {@link Reporter}'s: {@code ccd-agent} with host and reportingInstance
 * the node (the way kubelet does), or {@code ccd-controller} with reportingInstance the
 * controller's identity (its pod) and no host (the way kube-controller-manager does). A repeat of
 * the same event within {@link #AGGREGATION_WINDOW} bumps {@code count} and {@code lastTimestamp}
 * of the earlier one instead of creating another, so a retrying Degraded node does not flood the
 * namespace.
 *
 * <p>Events are written by one background thread in the order emitted, so {@link #emit} never waits
 * for the API (whose client retries a dead server for many seconds); at most {@link #QUEUE_LIMIT}
 * events wait, more are dropped with a log line.
 */
public final class Fabric8EventSink implements EventSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Fabric8EventSink.class);

  /**
   * Who writes the events: the component, and the instance ({@code reportingInstance}); an agent
   * writes about its own node, so its instance and host are the node the event is about.
   *
   * @param instance the controller's identity; empty for the agent (the event's node)
   */
  public record Reporter(String component, Optional<String> instance) {
    public static final String AGENT = "ccd-agent";
    public static final String CONTROLLER = "ccd-controller";

    public Reporter {
      Objects.requireNonNull(component, "component");
      Objects.requireNonNull(instance, "instance");
    }

    /** The node agent: {@code ccd-agent}, instance and host the node. */
    public static Reporter agent() {
      return new Reporter(AGENT, Optional.empty());
    }

    /** The controller replica {@code identity} (its Lease holder identity, the pod's name). */
    public static Reporter controller(String identity) {
      if (identity == null || identity.isBlank()) {
        throw new IllegalArgumentException("the controller's identity must not be empty");
      }
      return new Reporter(CONTROLLER, Optional.of(identity));
    }
  }

  /** How long a repeated event is folded into the earlier one. */
  public static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);

  /** Events waiting to be written beyond which new ones are dropped. */
  public static final int QUEUE_LIMIT = 100;

  private static final int MAX_REMEMBERED = 256;

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final Reporter reporter;
  private final Map<String, String> nodeUids = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final ThreadPoolExecutor writer;
  private final Map<Key, Series> recent =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Series> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };

  private record Key(String node, EventType type, String reason, String message) {}

  private record Series(String name, int count, Instant first, Instant last) {}

  /** The agent's events in namespace {@code default}, timestamps from the system clock. */
  public Fabric8EventSink(KubernetesClient client) {
    this(client, Reporter.agent());
  }

  /** {@code reporter}'s events in namespace {@code default}, timestamps from the system clock. */
  public Fabric8EventSink(KubernetesClient client, Reporter reporter) {
    this(client, "default", Clock.systemUTC(), reporter);
  }

  /** The agent's events. */
  public Fabric8EventSink(KubernetesClient client, String namespace, Clock clock) {
    this(client, namespace, clock, Reporter.agent());
  }

  public Fabric8EventSink(
      KubernetesClient client, String namespace, Clock clock, Reporter reporter) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_LIMIT),
            r -> {
              Thread t = new Thread(r, "event-writer");
              t.setDaemon(true);
              return t;
            },
            (task, executor) -> {
              dropped.incrementAndGet();
              log.warn("event dropped: the event writer is full or closed");
            });
  }

  @Override
  public void emit(String node, EventType type, String reason, String message) {
    Objects.requireNonNull(type, "type");
    Instant at = clock.instant();
    writer.execute(
        () -> {
          ApiOutage outage = ApiOutage.of(client);
          String what = "record event " + type.wire() + " " + reason + " for node " + node;
          try {
            write(at, node, type, reason, message);
            outage.noteAnswer();
          } catch (RuntimeException e) {
            // A dead server is said once per outage; a refused event each time.
            if (ApiOutage.isOutage(e)) {
              outage.noteFailure(what, e);
            } else {
              outage.noteAnswer();
              log.warn("{}", outage.describe(what, e));
            }
          }
        });
  }

  /** Events dropped so far because the queue was full (or the writer closed). */
  public long dropped() {
    return dropped.get();
  }

  /** Writes what is queued (waiting up to {@code timeout}), then stops the writer. */
  public void close(Duration timeout) {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #close(Duration)} with 5 seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private void write(Instant at, String node, EventType type, String reason, String message) {
    Instant now = at.truncatedTo(ChronoUnit.SECONDS);
    Key key = new Key(node, type, reason, message);
    Series earlier;
    synchronized (recent) {
      earlier = recent.get(key);
    }
    if (earlier != null
        && Duration.between(earlier.last(), now).compareTo(AGGREGATION_WINDOW) < 0) {
      Series next = new Series(earlier.name(), earlier.count() + 1, earlier.first(), now);
      if (bump(next)) {
        synchronized (recent) {
          recent.put(key, next);
        }
        return;
      }
    }
    // Like kubectl's "<object>.<hex nanos>": unique per event and sorted by time.
    Instant precise = at;
    long nanos = precise.getEpochSecond() * 1_000_000_000L + precise.getNano();
    String name = node + "." + Long.toHexString(nanos + sequence.incrementAndGet());
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(node)
            .withUid(uidOf(node))
            .endInvolvedObject()
            .withType(type.wire())
            .withReason(reason)
            .withMessage(message)
            .withNewSource()
            .withComponent(reporter.component())
            .withHost(reporter.instance().isPresent() ? null : node)
            .endSource()
            .withReportingComponent(reporter.component())
            .withReportingInstance(reporter.instance().orElse(node))
            .withCount(1)
            .withFirstTimestamp(timestamp(now))
            .withLastTimestamp(timestamp(now))
            .build();
    client.v1().events().inNamespace(namespace).resource(event).create();
    synchronized (recent) {
      recent.put(key, new Series(name, 1, now, now));
    }
  }

  private boolean bump(Series s) {
    String patch =
        String.format("{\"count\":%d,\"lastTimestamp\":\"%s\"}", s.count(), timestamp(s.last()));
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          // By resource, not by name: fabric8 would GET the event before patching it.
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(s.name())
                  .withNamespace(namespace)
                  .endMetadata()
                  .build())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (RuntimeException e) {
      // Expired or deleted meanwhile: a new event is the right answer.
      log.debug("could not bump event {}: {}", s.name(), FailureMessage.of(e));
      return false;
    }
  }

  // The node's uid makes `kubectl describe node` find the event; unknown is fine (left empty).
  private String uidOf(String node) {
    String uid = nodeUids.get(node);
    if (uid != null) {
      return uid;
    }
    try {
      Node n = client.nodes().withName(node).get();
      if (n != null && n.getMetadata().getUid() != null) {
        nodeUids.put(node, n.getMetadata().getUid());
        return n.getMetadata().getUid();
      }
    } catch (RuntimeException e) {
      log.debug("could not read uid of node {}: {}", node, FailureMessage.of(e));
    }
    return null;
  }

  private static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }
}
