package dev.ccd.registries;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Merges registries.conf with the files of registries.conf.d the way containers/image does (pure:
 * the caller reads the files). Each file is validated on its own; a later file's registry replaces
 * an earlier one with the same prefix whole; list keys are replaced when present.
 */
public final class DropIns {
  private DropIns() {}

  /** The suffix a file in registries.conf.d needs to be read. */
  public static final String SUFFIX = ".conf";

  /** Whether containers/image reads a file of this (base) name from the drop-in directory. */
  public static boolean isDropInName(String fileName) {
    int slash = fileName.lastIndexOf('/');
    return fileName.substring(slash + 1).endsWith(SUFFIX);
  }

  /**
   * Merges {@code main} (absent = no main file, as when the default path does not exist) with the
   * drop-in candidates of one directory: names not ending in {@code .conf} are ignored, the rest
   * are merged in byte order of their names.
   */
  public static EffectiveConfig merge(Optional<ConfFile> main, List<ConfFile> dropInCandidates) {
    return mergeDirectories(main, List.of(dropInCandidates));
  }

  /**
   * Merges {@code main} with the drop-ins of several directories, as containers/image reads the
   * system directory and then the user's: each directory's {@code .conf} files in byte order of
   * their names, the directories one after the other in the order given (never interleaved).
   */
  public static EffectiveConfig mergeDirectories(
      Optional<ConfFile> main, List<List<ConfFile>> directories) {
    Merger merger = new Merger();
    main.ifPresent(f -> merger.add(f, false));
    for (List<ConfFile> directory : directories) {
      List<ConfFile> dropIns =
          directory.stream()
              .filter(f -> isDropInName(f.name()))
              .sorted((a, b) -> ByteOrder.STRINGS.compare(a.name(), b.name()))
              .toList();
      for (ConfFile f : dropIns) {
        merger.add(f, true);
      }
    }
    return merger.result();
  }

  /** The configuration for an explicitly named main file that does not exist. */
  public static EffectiveConfig missingMainFile(String path) {
    String message = "open " + path + ": no such file or directory";
    return new EffectiveConfig(
        RegistriesConf.EMPTY,
        List.of(),
        List.of(),
        List.of(Problem.error(path, "", message)),
        Optional.of(loadPrefix(path, false) + message));
  }

  private static String loadPrefix(String file, boolean dropIn) {
    return (dropIn
            ? "loading drop-in registries configuration "
            : "loading registries configuration ")
        + Validator.goQuote(file)
        + ": ";
  }

  private static final class Merger {
    private final TreeMap<String, SourcedRegistry> registries = new TreeMap<>(ByteOrder.STRINGS);
    private Optional<List<String>> search = Optional.empty();
    private Optional<String> shortNameMode = Optional.empty();
    private Optional<List<String>> credentialHelpers = Optional.empty();
    private final Map<String, String> aliases = new HashMap<>();
    private final List<String> files = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();
    private Optional<String> loadError = Optional.empty();

    void add(ConfFile file, boolean dropIn) {
      files.add(file.name());
      ParsedConf parsed = RegistriesToml.parse(file.text(), file.name());
      List<Problem> fileProblems =
          dropIn ? Validator.validateDropIn(parsed) : Validator.validate(parsed);
      problems.addAll(fileProblems);
      Optional<Problem> firstError = fileProblems.stream().filter(Problem::isError).findFirst();
      if (firstError.isPresent()) {
        if (loadError.isEmpty()) {
          loadError = Optional.of(loadPrefix(file.name(), dropIn) + firstError.get().message());
        }
        return; // an invalid file contributes nothing
      }
      RegistriesConf conf = parsed.conf();
      // Within one file the first entry of a prefix wins.
      Map<String, Registry> own = new LinkedHashMap<>();
      for (Registry r : conf.registries()) {
        own.putIfAbsent(r.effectivePrefix(), r);
      }
      own.forEach(
          (prefix, r) -> {
            SourcedRegistry previous = registries.put(prefix, new SourcedRegistry(r, file.name()));
            if (previous != null) {
              problems.add(
                  Problem.warning(
                      file.name(),
                      "registry[prefix=" + Validator.goQuote(prefix) + "]",
                      "replaces the registry with the same prefix from "
                          + previous.file()
                          + " entirely (its mirrors, blocked and insecure are not merged)"));
            }
          });
      if (conf.unqualifiedSearchRegistries().isPresent()) {
        search = conf.unqualifiedSearchRegistries();
      }
      if (conf.credentialHelpers().isPresent()) {
        credentialHelpers = conf.credentialHelpers();
      }
      if (conf.shortNameMode().filter(m -> !m.isEmpty()).isPresent()) {
        shortNameMode = conf.shortNameMode();
      }
      aliases.putAll(conf.aliases());
    }

    EffectiveConfig result() {
      List<SourcedRegistry> merged = new ArrayList<>(registries.values());
      RegistriesConf conf =
          new RegistriesConf(
              search,
              shortNameMode,
              credentialHelpers,
              aliases,
              merged.stream().map(SourcedRegistry::registry).toList());
      return new EffectiveConfig(conf, merged, files, problems, loadError);
    }
  }
}
