package dev.ccd.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need root skip only on a developer machine; with {@code CI} set they fail instead, so
 * a CI that lost root cannot go green by skipping.
 */
public final class RootGuard {
  private RootGuard() {}

  /** True when this process runs with uid 0. */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Skips (developer machine) or fails (CI) when not root. */
  public static void requireRootOrSkip(String what) {
    if (isRoot()) {
      return;
    }
    if (System.getenv("CI") != null) {
      throw new AssertionError(what + " needs root, and CI is set: refusing to skip");
    }
    Assumptions.abort(what + " needs root; skipped on this non-root developer machine");
  }
}
