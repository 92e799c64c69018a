package dev.ccd.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure episodes of one API server: the first failed call of an episode is logged once,
 * naming the server, where it came from and the cause in words; the calls that fail while it stays
 * down go to debug; the first answer after that says how long it was down. The decisions ({@link
 * #failed}, {@link #answered}) are pure over the injected clock; {@link #noteFailure} and {@link
 * #noteAnswer} log them.
 */
public final class ApiOutage {
  private static final Logger log = LoggerFactory.getLogger(ApiOutage.class);

  /** One tracker per client, shared by the watches, patches and events that use the client. */
  private static final Map<KubernetesClient, ApiOutage> BY_CLIENT = new WeakHashMap<>();

  private final ApiEndpoint endpoint;
  private final Clock clock;
  private Instant downSince;
  private int failedCalls;

  public ApiOutage(ApiEndpoint endpoint, Clock clock) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The tracker of {@code client}'s API server, made on first use. */
  public static ApiOutage of(KubernetesClient client) {
    synchronized (BY_CLIENT) {
      return BY_CLIENT.computeIfAbsent(
          client, c -> new ApiOutage(ApiEndpoint.of(c.getConfiguration()), Clock.systemUTC()));
    }
  }

  public ApiEndpoint endpoint() {
    return endpoint;
  }

  /** Whether an episode is open: a call failed and none has been answered since. */
  public synchronized boolean down() {
    return downSince != null;
  }

  /**
   * Whether {@code cause} says the server could not be used at all (no connection, TLS, timeout,
   * 401, 403, 429, 5xx), as opposed to an answer about one object (404, 409, 410, 422).
   */
  public static boolean isOutage(Throwable cause) {
    int code = FailureMessage.code(cause);
    return code == 0 || code == 401 || code == 403 || code == 429 || code >= 500;
  }

  /** The text of a failed call, naming the server: {@code watch of node n on API server ...}. */
  public String describe(String what, Throwable cause) {
    return what + " failed: " + endpoint + ": " + FailureMessage.reason(cause);
  }

  /**
   * Notes a failed call; the line to log at warning level when it opens an episode (empty while the
   * server stays down).
   */
  public synchronized Optional<String> failed(String what, Throwable cause) {
    failedCalls++;
    if (downSince != null) {
      return Optional.empty();
    }
    downSince = clock.instant();
    return Optional.of(
        describe(what, cause)
            + "; retrying (further failures are logged at debug level until it answers)");
  }

  /** Notes an answer; the line to log when it ends an episode, with how long it lasted. */
  public synchronized Optional<String> answered() {
    if (downSince == null) {
      return Optional.empty();
    }
    Duration down = Duration.between(downSince, clock.instant());
    int calls = failedCalls;
    downSince = null;
    failedCalls = 0;
    return Optional.of(
        endpoint
            + " reconnected after "
            + seconds(down)
            + " s ("
            + calls
            + (calls == 1 ? " failed call" : " failed calls")
            + " meanwhile)");
  }

  /** {@link #failed}, logged: warning once per episode, debug after. */
  public void noteFailure(String what, Throwable cause) {
    Optional<String> line = failed(what, cause);
    if (line.isPresent()) {
      log.warn("{}", line.get());
    } else if (log.isDebugEnabled()) {
      log.debug("{} (the API server is still down)", describe(what, cause));
    }
  }

  /** {@link #answered}, logged. */
  public void noteAnswer() {
    answered().ifPresent(line -> log.info("{}", line));
  }

  private static String seconds(Duration d) {
    long tenths = Math.round(d.toMillis() / 100.0);
    return tenths % 10 == 0 ? Long.toString(tenths / 10) : (tenths / 10) + "." + (tenths % 10);
  }
}
