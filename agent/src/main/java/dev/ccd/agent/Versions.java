package dev.ccd.agent;

/** Comparisons of Kubernetes resourceVersions, which are opaque strings. */
final class Versions {
  private Versions() {}

  /**
   * True when {@code candidate} should replace {@code known}: always when they differ, except that
   * a plainly older number (etcd and the mock server count up) is a stale event and loses.
   */
  static boolean newer(String candidate, String known) {
    if (candidate.equals(known)) {
      return false;
    }
    try {
      return Long.parseLong(candidate) > Long.parseLong(known);
    } catch (NumberFormatException e) {
      return true;
    }
  }
}
