package dev.ccd.agent;

import dev.ccd.kube.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When the reconcile loop runs its next pass, as pure functions over values. Like client-go's
 * rate-limited work queue, a failure is remembered with the {@link Intent} it failed on until a
 * pass succeeds ({@code Forget}) or what the agent must do changes; new offers and kicks for the
 * same intent wait for the retry time instead of clearing it.
 */
public final class RetryGate {
  private RetryGate() {}

  /** A remembered failure: what it failed on, how many in a row, when to try again. */
  public record Backlog(Intent failedOn, int failures, Instant retryAt) {
    public Backlog {
      Objects.requireNonNull(failedOn, "failedOn");
      Objects.requireNonNull(retryAt, "retryAt");
    }
  }

  /** What the loop does now. */
  public sealed interface Decision {
    /** Run a pass now. */
    record RunNow() implements Decision {}

    /** Nothing to do before {@code until} (a retry), unless something new arrives. */
    record WaitUntil(Instant until) implements Decision {}

    /** Nothing to do until something new arrives. */
    record Idle() implements Decision {}
  }

  /**
   * @param pending something was offered or kicked since the last decision
   * @param current what the newest state asks for (only read when there is a backlog)
   */
  public static Decision decide(
      boolean pending,
      Optional<Backlog> backlog,
      java.util.function.Supplier<Intent> current,
      Instant now) {
    if (backlog.isEmpty()) {
      return pending ? new Decision.RunNow() : new Decision.Idle();
    }
    Backlog b = backlog.get();
    if (!now.isBefore(b.retryAt())) {
      return new Decision.RunNow();
    }
    if (pending && !current.get().equals(b.failedOn())) {
      return new Decision.RunNow(); // new work: the old failure's wait does not apply to it
    }
    return new Decision.WaitUntil(b.retryAt());
  }

  /**
   * The backlog after a failed pass that acted on {@code actedOn}: the count grows when it failed
   * on the same intent again, and starts over for a new one.
   */
  public static Backlog failed(
      Optional<Backlog> before, Intent actedOn, Backoff backoff, Instant now) {
    int failures =
        before.filter(b -> b.failedOn().equals(actedOn)).map(Backlog::failures).orElse(0) + 1;
    Duration delay = backoff.delay(failures - 1);
    return new Backlog(actedOn, failures, now.plus(delay));
  }
}
