package dev.ccd.machineconfig;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The decoded files of one MachineConfig, keyed by path, in the order the config lists them. */
public record DesiredFiles(String configName, List<DesiredFile> files) {
  public DesiredFiles {
    files = List.copyOf(files);
  }

  public static DesiredFiles empty(String configName) {
    return new DesiredFiles(configName, List.of());
  }

  public Optional<DesiredFile> file(String path) {
    return files.stream().filter(f -> f.path().equals(path)).findFirst();
  }

  public Map<String, DesiredFile> byPath() {
    return files.stream()
        .collect(Collectors.toMap(DesiredFile::path, Function.identity(), (a, b) -> b));
  }
}
