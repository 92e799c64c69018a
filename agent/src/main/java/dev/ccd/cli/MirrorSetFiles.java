package dev.ccd.cli;

import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.registries.Problem;
import dev.ccd.registries.SafeText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads mirror-set objects from files and directories (every {@code .yaml}, {@code .yml} and {@code
 * .json} below a directory, in path order) into one {@link MirrorSets}.
 */
final class MirrorSetFiles {
  private MirrorSetFiles() {}

  /**
   * The objects of {@code paths}. A file found in a directory that holds no mirror-set kind at all
   * (a MachineConfig beside the mirror sets) is skipped with a note; a file named itself is read
   * and refused.
   */
  static MirrorSets read(List<Path> paths, Consumer<String> notes) throws MirrorSetException {
    long limit = InputFile.Limits.current().file();
    List<MirrorSets> parts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path path : paths) {
      List<Path> files;
      boolean directory = Files.isDirectory(path);
      try {
        files = expand(path);
      } catch (IOException e) {
        problems.add(Problem.error(path.toString(), "", InputFile.cause(e)));
        continue;
      }
      for (Path file : files) {
        try {
          String text = InputFile.text(file, limit);
          List<String> kinds = MirrorSetsReader.kinds(text);
          if (directory && !kinds.isEmpty() && kinds.stream().noneMatch(MirrorSetsReader::reads)) {
            notes.accept(
                SafeText.escape(
                    "note: "
                        + file
                        + ": skipped, "
                        + String.join(", ", kinds.stream().distinct().toList())
                        + (kinds.stream().distinct().count() == 1
                            ? " is not a mirror-set kind"
                            : " are not mirror-set kinds")));
            continue;
          }
          parts.add(MirrorSetsReader.parse(text, file.toString()));
        } catch (InputFile.Unreadable e) {
          problems.add(Problem.error(e.file(), "", e.cause()));
        } catch (MirrorSetException e) {
          problems.addAll(e.problems());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new MirrorSetException(problems);
    }
    return MirrorSets.combine(parts);
  }

  /** A file as itself (InputFile judges it); a directory as its mirror-set files. */
  private static List<Path> expand(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> walk = Files.walk(path)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
              })
          .sorted()
          .toList();
    }
  }
}
