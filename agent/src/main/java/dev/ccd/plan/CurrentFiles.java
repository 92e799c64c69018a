package dev.ccd.plan;

import dev.ccd.machineconfig.FileState;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the host holds now, as a pure snapshot the caller reads through {@code HostFiles}: every
 * managed path that exists as a regular file, and the paths whose pre-ccd original was saved.
 */
public record CurrentFiles(Map<String, FileState> files, Set<String> savedOriginals) {
  public static final CurrentFiles NONE = new CurrentFiles(Map.of(), Set.of());

  public CurrentFiles {
    files = Map.copyOf(files);
    savedOriginals = Set.copyOf(savedOriginals);
  }

  public Optional<FileState> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  public boolean hasSavedOriginal(String path) {
    return savedOriginals.contains(path);
  }
}
