package dev.ccd.observe;

/**
 * Readiness of the agent: not ready (with a reason) until told otherwise, e.g. until its watch is
 * connected and the first sync is done; it may go back to not ready when the watch breaks.
 */
public final class Readiness {
  private volatile Check current = Check.failing("starting");

  public void ready() {
    current = Check.passing();
  }

  public void notReady(String reason) {
    current = Check.failing(reason);
  }

  public Check check() {
    return current;
  }
}
