package dev.ccd.observe;

/**
 * A part of one update, the {@code phase} label of {@code ccd_update_phase_seconds}. An update's
 * time is the sum of its phases; a phase an update skips (no files to write, no crio action) is not
 * recorded for it.
 */
public enum UpdatePhase {
  /** The desired MachineConfig taken from its watch (the watch's first list when it is new). */
  FETCH("fetch"),
  /** Parse the MachineConfig, decode its Ignition files, check their contents, resolve owners. */
  DECODE("decode"),
  /** Read the host's files at the config's paths and plan the steps and the crio action. */
  PLAN("plan"),
  /** Node patches (Working, Done) and handing their Events to the background writer. */
  PATCH("patch"),
  /** Journal writes, each one atomic and fsynced (before the files, after them, after crio). */
  JOURNAL("journal"),
  /** Snapshots and backups of the files an update replaces, and the atomic writes themselves. */
  WRITE("write"),
  /** The crio reload or restart: one systemd job over D-Bus, waited for. */
  CRIO("crio"),
  /** The record of the applied config (fsynced) and removing the journal. */
  RECORD("record");

  private final String label;

  UpdatePhase(String label) {
    this.label = label;
  }

  /** The label value. */
  public String label() {
    return label;
  }
}
