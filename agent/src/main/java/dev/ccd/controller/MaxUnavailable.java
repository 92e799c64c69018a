package dev.ccd.controller;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pool's {@code spec.maxUnavailable}: a number of nodes or a percentage of the pool's nodes (an
 * IntOrString), default 1.
 *
 * @param value the count, or the percentage when {@code percent}
 */
public record MaxUnavailable(int value, boolean percent) {
  public static final MaxUnavailable DEFAULT = new MaxUnavailable(1, false);

  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(%?)");

  public MaxUnavailable {
    if (value < 0 || (percent && value > 100)) {
      throw new IllegalArgumentException("maxUnavailable out of range: " + value);
    }
  }

  /**
   * Reads {@code spec.maxUnavailable} as written ({@code 3}, {@code "20%"}); absent or empty is the
   * default 1.
   */
  public static MaxUnavailable parse(String text) throws InvalidPoolException {
    if (text == null || text.isEmpty()) {
      return DEFAULT;
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new InvalidPoolException(
          "spec.maxUnavailable: \""
              + text
              + "\" is neither a number of nodes nor a percentage such as \"20%\"");
    }
    int value = Integer.parseInt(m.group(1));
    boolean percent = !m.group(2).isEmpty();
    if (percent && value > 100) {
      throw new InvalidPoolException(
          "spec.maxUnavailable: \"" + text + "\" is more than 100% of the pool");
    }
    return new MaxUnavailable(value, percent);
  }

  /**
   * How many of {@code nodeCount} nodes may be unavailable: a percentage rounds down, and 0 becomes
   * 1 so a rollout always makes progress (as the machine-config-operator does).
   */
  public int of(int nodeCount) {
    int n = percent ? (int) ((long) value * nodeCount / 100) : value;
    return Math.max(1, n);
  }

  @Override
  public String toString() {
    return percent ? value + "%" : Integer.toString(value);
  }
}
