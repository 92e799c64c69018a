package dev.ccd.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.ccd.agent.Journal.PathState;
import dev.ccd.machineconfig.ManagedPaths;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks ccd's state files as the untrusted input they are: a crafted journal must not make
 * recovery write outside the managed paths, so every path, mode, owner and name is checked before
 * anything acts on it. Pure.
 */
final class StateFileCheck {
  /** More entries than any real config has; bounds the work a crafted file can cause. */
  static final int MAX_ENTRIES = 10_000;

  static final int MAX_NAME_LENGTH = 253;

  private final String file;
  private final ManagedPaths managed;

  StateFileCheck(String file, ManagedPaths managed) {
    this.file = file;
    this.managed = managed;
  }

  StateFileException error(String field, String cause) {
    return new StateFileException(file, field, cause);
  }

  /** The parser's complaint in words, naming the field (no parser class names). */
  StateFileException unreadable(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")";
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String field = path(m.getPath());
      String why;
      if (e instanceof UnrecognizedPropertyException) {
        why = "is not a field of this file";
      } else if (e instanceof InvalidFormatException) {
        why = "has an invalid value";
      } else if (e instanceof MismatchedInputException) {
        why = "has the wrong type or shape";
      } else {
        why = "is missing or invalid";
      }
      return error(field, why + where);
    }
    if (e instanceof JsonMappingException) {
      return error("", "a required field is missing or the file is not a JSON object" + where);
    }
    return error("", "not valid JSON" + where);
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  void journal(Journal j) throws StateFileException {
    name("fromConfig", j.fromConfig());
    name("toConfig", j.toConfig());
    if (j.crioAction() == null) {
      throw error("crioAction", "is missing");
    }
    paths("before", j.before(), true);
    paths("desired", j.desired(), false);
  }

  void name(String field, String value) throws StateFileException {
    if (value == null) {
      throw error(field, "is missing");
    }
    if (value.length() > MAX_NAME_LENGTH) {
      throw error(field, "is longer than " + MAX_NAME_LENGTH + " characters");
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw error(field, "contains control characters");
    }
  }

  private void paths(String field, List<PathState> list, boolean mayBeAbsent)
      throws StateFileException {
    if (list.size() > MAX_ENTRIES) {
      throw error(field, "has more than " + MAX_ENTRIES + " entries");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      PathState p = list.get(i);
      String at = field + "[" + i + "]";
      if (p == null) {
        throw error(at, "is null");
      }
      path(at + ".path", p.path());
      if (!seen.add(p.path())) {
        throw error(at + ".path", p.path() + " appears twice");
      }
      if (p.file() == null) {
        if (!mayBeAbsent) {
          throw error(at + ".file", "is missing");
        }
      } else {
        file(at + ".file", p.file().mode(), p.file().uid(), p.file().gid());
      }
    }
  }

  void path(String field, String path) throws StateFileException {
    if (path == null) {
      throw error(field, "is missing");
    }
    Optional<String> refusal = managed.refusal(path);
    if (refusal.isPresent()) {
      throw error(field, refusal.get());
    }
  }

  void file(String field, int mode, int uid, int gid) throws StateFileException {
    if (mode < 0 || mode > 07777) {
      throw error(field + ".mode", "must be within 0..07777, got " + mode);
    }
    if (uid < 0 || gid < 0) {
      throw error(field, "owner ids must not be negative, got " + uid + ":" + gid);
    }
  }
}
