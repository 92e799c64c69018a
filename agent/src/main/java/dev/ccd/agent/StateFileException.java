package dev.ccd.agent;

import java.io.IOException;

/** One of ccd's own state files is unreadable or holds something ccd would never write. */
public final class StateFileException extends IOException {
  StateFileException(String file, String field, String cause) {
    super(
        "refusing state file "
            + file
            + ": "
            + (field.isEmpty() ? "" : "field " + field + ": ")
            + cause
            + " (nothing was changed; inspect the file, then move it away to start afresh)");
  }
}
