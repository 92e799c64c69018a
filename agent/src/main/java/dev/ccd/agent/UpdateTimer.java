package dev.ccd.agent;

import dev.ccd.observe.UpdatePhase;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Splits the time of one update into its {@link UpdatePhase}s: each {@link #lap} ends the time
 * since the previous lap (or the start) and adds it to that phase, so a phase met several times
 * (three journal writes, two patches) is their sum and the phases add up to the whole. One update,
 * one thread.
 */
public final class UpdateTimer {
  private static final UpdateTimer DISCARDING = new UpdateTimer(() -> 0L);

  private final LongSupplier nanos;
  private final EnumMap<UpdatePhase, Long> spent = new EnumMap<>(UpdatePhase.class);
  private long mark;

  private UpdateTimer(LongSupplier nanos) {
    this.nanos = nanos;
    this.mark = nanos.getAsLong();
  }

  /** Starts timing now on {@code nanos} (System::nanoTime, or a test's clock). */
  public static UpdateTimer start(LongSupplier nanos) {
    return new UpdateTimer(nanos);
  }

  /** A timer that keeps nothing, for callers that do not report phases ({@code ccd apply}). */
  public static UpdateTimer discarding() {
    return DISCARDING;
  }

  /** The time since the previous lap (or the start) was spent in {@code phase}. */
  public void lap(UpdatePhase phase) {
    if (this == DISCARDING) {
      return;
    }
    long now = nanos.getAsLong();
    spent.merge(phase, now - mark, Long::sum);
    mark = now;
  }

  /** Forgets the time since the previous lap: it belongs to no phase (a pass that only checked). */
  public void skip() {
    if (this == DISCARDING) {
      return;
    }
    mark = nanos.getAsLong();
  }

  /** The time of each phase met so far, in the order of {@link UpdatePhase}. */
  public Map<UpdatePhase, Duration> spent() {
    Map<UpdatePhase, Duration> out = new EnumMap<>(UpdatePhase.class);
    spent.forEach((p, n) -> out.put(p, Duration.ofNanos(n)));
    return Collections.unmodifiableMap(out);
  }
}
