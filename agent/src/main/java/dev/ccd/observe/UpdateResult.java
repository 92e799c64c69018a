package dev.ccd.observe;

/**
 * How an update ended, the {@code result} label of {@code ccd_updates_total}. Each pass that sets
 * out to move the node to a config (or re-apply it) counts exactly once; passes that only check for
 * drift count nothing.
 */
public enum UpdateResult {
  /** Applied (or nothing needed changing) and recorded; Done. */
  SUCCESS("success"),
  /** Failed before any managed file changed (read, backup, journal, record); Degraded. */
  FAILED_UNCHANGED("failed_unchanged"),
  /** Failed after files changed; every file put back and crio told again; Degraded. */
  ROLLED_BACK("rolled_back"),
  /** Failed after files changed and a file could not be put back; Degraded. */
  ROLLBACK_INCOMPLETE("rollback_incomplete"),
  /** Files applied and crio told, but the record of the applied config failed; Degraded. */
  UNRECORDED("unrecorded"),
  /** Input no retry can fix; nothing touched. Counted when the node becomes Unreconcilable. */
  UNRECONCILABLE("unreconcilable"),
  /** An unexpected error in the pass (API, disk) outside the applier's steps; Degraded. */
  FAILURE("failure");

  private final String label;

  UpdateResult(String label) {
    this.label = label;
  }

  /** The label value. */
  public String label() {
    return label;
  }
}
