package dev.ccd.plan;

/** What crio needs after a change, weakest first; a restart covers a reload. */
public enum CrioAction {
  NONE,
  RELOAD,
  RESTART;

  public CrioAction max(CrioAction other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
