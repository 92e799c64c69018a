package dev.ccd.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ccd.host.HostFiles;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.FileState;
import dev.ccd.machineconfig.ManagedPaths;
import dev.ccd.machineconfig.Owner;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes ccd's state files on the host: the {@link Journal} of an update in progress and
 * the {@link AppliedConfig}. Both are JSON, written atomically with mode 0600. Both are input too:
 * what is read is checked against the managed paths, and a file that fails the check is refused
 * with a {@link StateFileException} naming the file and the field.
 */
public final class StateStore {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final HostFiles files;
  private final StatePaths paths;
  private final ManagedPaths managed;

  /** State under {@code paths}, naming only the default managed paths. */
  public StateStore(HostFiles files, StatePaths paths) {
    this(files, paths, ManagedPaths.DEFAULT);
  }

  /** State under {@code paths}; a state file naming a path outside {@code managed} is refused. */
  public StateStore(HostFiles files, StatePaths paths, ManagedPaths managed) {
    this.files = files;
    this.paths = paths;
    this.managed = managed;
  }

  public StatePaths paths() {
    return paths;
  }

  /** The paths a state file may name. */
  public ManagedPaths managed() {
    return managed;
  }

  public Optional<Journal> journal() throws IOException {
    Optional<FileState> f = files.read(paths.journal());
    if (f.isEmpty()) {
      return Optional.empty();
    }
    StateFileCheck check = new StateFileCheck(paths.journal(), managed);
    Journal journal;
    try {
      journal = JSON.readValue(f.get().content(), Journal.class);
    } catch (JsonProcessingException e) {
      throw check.unreadable(e);
    }
    if (journal == null) {
      throw check.error("", "holds no journal (null)");
    }
    check.journal(journal);
    return Optional.of(journal);
  }

  public void writeJournal(Journal journal) throws IOException {
    files.writeAtomically(paths.journal(), JSON.writeValueAsBytes(journal), 0600, 0, 0);
  }

  public void deleteJournal() throws IOException {
    files.delete(paths.journal());
  }

  public AppliedConfig applied() throws IOException {
    Optional<FileState> f = files.read(paths.appliedConfig());
    if (f.isEmpty()) {
      return AppliedConfig.none();
    }
    StateFileCheck check = new StateFileCheck(paths.appliedConfig(), managed);
    Stored s;
    try {
      s = JSON.readValue(f.get().content(), Stored.class);
    } catch (JsonProcessingException e) {
      throw check.unreadable(e);
    }
    if (s == null) {
      throw check.error("", "holds no record (null)");
    }
    check.name("config", s.config());
    Instant at;
    try {
      at = Instant.parse(String.valueOf(s.appliedAt()));
    } catch (DateTimeParseException e) {
      throw check.error("appliedAt", "is not a UTC time like 2026-12-04T10:15:30Z");
    }
    if (s.files() == null) {
      throw check.error("files", "is missing");
    }
    if (s.files().size() > StateFileCheck.MAX_ENTRIES) {
      throw check.error("files", "has more than " + StateFileCheck.MAX_ENTRIES + " entries");
    }
    List<DesiredFile> decoded = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.files().size(); i++) {
      StoredFile x = s.files().get(i);
      String field = "files[" + i + "]";
      if (x == null || x.content() == null) {
        throw check.error(field, x == null ? "is null" : "has no content");
      }
      check.path(field + ".path", x.path());
      if (!seen.add(x.path())) {
        throw check.error(field + ".path", x.path() + " appears twice");
      }
      check.file(field, x.mode(), x.uid(), x.gid());
      decoded.add(new DesiredFile(x.path(), x.content(), x.mode(), Owner.ids(x.uid(), x.gid())));
    }
    return new AppliedConfig(new DesiredFiles(s.config(), decoded), at);
  }

  /** Records {@code config} as applied; its owners must be resolved to numeric ids. */
  public void writeApplied(DesiredFiles config, Instant at) throws IOException {
    List<StoredFile> stored =
        config.files().stream()
            .map(
                f ->
                    new StoredFile(
                        f.path(),
                        f.mode(),
                        f.owner().uid().orElse(0),
                        f.owner().gid().orElse(0),
                        f.content()))
            .toList();
    files.writeAtomically(
        paths.appliedConfig(),
        JSON.writeValueAsBytes(new Stored(config.configName(), at.toString(), stored)),
        0600,
        0,
        0);
  }

  private record Stored(String config, String appliedAt, List<StoredFile> files) {}

  private record StoredFile(String path, int mode, int uid, int gid, byte[] content) {}
}
