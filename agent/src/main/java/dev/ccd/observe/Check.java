package dev.ccd.observe;

import java.util.Objects;

/** The answer of a health check: ok, or failing with a one-line reason. */
public record Check(boolean ok, String reason) {
  public Check {
    Objects.requireNonNull(reason, "reason");
    reason = reason.replace('\n', ' ').replace('\r', ' ');
  }

  public static Check passing() {
    return new Check(true, "ok");
  }

  public static Check failing(String reason) {
    return new Check(false, reason);
  }
}
