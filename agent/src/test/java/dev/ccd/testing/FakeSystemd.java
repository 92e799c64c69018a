package dev.ccd.testing;

import dev.ccd.host.Systemd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records every job and answers with a configurable result, like a crio that can fail. */
public final class FakeSystemd implements Systemd {
  private final List<String> calls = new ArrayList<>();
  private String nextResult = "done";
  private String stateAfterFailure = "active";
  private int jobs;

  /** The following jobs end with {@code result} ({@code done}, {@code failed}, …). */
  public FakeSystemd answer(String result) {
    this.nextResult = result;
    return this;
  }

  public FakeSystemd unitStateAfterFailure(String state) {
    this.stateAfterFailure = state;
    return this;
  }

  /** {@code reload crio.service}, {@code restart crio.service}, in order. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public JobOutcome reload(String unit, Duration timeout) {
    return job("reload", unit);
  }

  @Override
  public JobOutcome restart(String unit, Duration timeout) {
    return job("restart", unit);
  }

  @Override
  public String activeState(String unit) {
    return "done".equals(nextResult) ? "active" : stateAfterFailure;
  }

  private JobOutcome job(String verb, String unit) {
    calls.add(verb + " " + unit);
    jobs++;
    return new JobOutcome(
        unit, "/org/freedesktop/systemd1/job/" + jobs, nextResult, activeState(unit));
  }
}
