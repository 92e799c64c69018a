package dev.ccd.observe;

/** How an update ended, the {@code result} label of {@code ccd_updates_total}. */
public enum UpdateResult {
  SUCCESS("success"),
  FAILURE("failure"),
  UNRECONCILABLE("unreconcilable"),
  ROLLED_BACK("rolled_back");

  private final String label;

  UpdateResult(String label) {
    this.label = label;
  }

  /** The label value. */
  public String label() {
    return label;
  }
}
