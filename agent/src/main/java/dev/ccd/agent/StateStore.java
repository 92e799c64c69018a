package dev.ccd.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ccd.host.HostFiles;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.FileState;
import dev.ccd.machineconfig.Owner;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes ccd's state files on the host: the {@link Journal} of an update in progress and
 * the {@link AppliedConfig}. Both are JSON, written atomically with mode 0600.
 */
public final class StateStore {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final HostFiles files;
  private final StatePaths paths;

  public StateStore(HostFiles files, StatePaths paths) {
    this.files = files;
    this.paths = paths;
  }

  public StatePaths paths() {
    return paths;
  }

  public Optional<Journal> journal() throws IOException {
    Optional<FileState> f = files.read(paths.journal());
    if (f.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(f.get().content(), Journal.class));
    } catch (IOException e) {
      throw new IOException("unreadable journal " + paths.journal() + ": " + e.getMessage(), e);
    }
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
    try {
      Stored s = JSON.readValue(f.get().content(), Stored.class);
      List<DesiredFile> decoded =
          s.files().stream()
              .map(
                  x ->
                      new DesiredFile(x.path(), x.content(), x.mode(), Owner.ids(x.uid(), x.gid())))
              .toList();
      return new AppliedConfig(new DesiredFiles(s.config(), decoded), Instant.parse(s.appliedAt()));
    } catch (IOException e) {
      throw new IOException(
          "unreadable record of the applied config "
              + paths.appliedConfig()
              + ": "
              + e.getMessage(),
          e);
    }
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
