package dev.ccd.registries;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What containers/image (and so CRI-O) uses after reading registries.conf and its drop-ins: the
 * merged configuration, where each registry came from, every file's problems, and — when some file
 * is invalid — the load error that would make every pull fail.
 */
public final class EffectiveConfig {
  private final RegistriesConf conf;
  private final List<SourcedRegistry> registries;
  private final List<String> files;
  private final List<Problem> problems;
  private final Optional<String> loadError;
  private final RegistryIndex index;

  EffectiveConfig(
      RegistriesConf conf,
      List<SourcedRegistry> registries,
      List<String> files,
      List<Problem> problems,
      Optional<String> loadError) {
    this.conf = Objects.requireNonNull(conf, "conf");
    this.registries = List.copyOf(registries);
    this.files = List.copyOf(files);
    this.problems = List.copyOf(problems);
    this.loadError = Objects.requireNonNull(loadError, "loadError");
    this.index = new RegistryIndex(this.registries);
  }

  /** The merged configuration; registries de-duplicated by prefix and sorted by it. */
  public RegistriesConf conf() {
    return conf;
  }

  /** The registries of {@link #conf()}, in the same order, with the file each came from. */
  public List<SourcedRegistry> registries() {
    return registries;
  }

  /** The files read, in merge order (main file first when it exists). */
  public List<String> files() {
    return files;
  }

  /** Every file's problems (errors and warnings, shadowing included), in file order. */
  public List<Problem> problems() {
    return problems;
  }

  public List<Problem> errors() {
    return problems.stream().filter(Problem::isError).toList();
  }

  public boolean isValid() {
    return loadError.isEmpty();
  }

  /**
   * containers/image's text for the first invalid file, e.g. {@code loading registries
   * configuration "/etc/containers/registries.conf": MSG}.
   */
  public Optional<String> loadError() {
    return loadError;
  }

  /** The registry best matching {@code ref} (a repository name or a full reference). */
  public Optional<SourcedRegistry> findRegistry(String ref) {
    return index.find(ref);
  }
}
