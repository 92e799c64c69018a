package dev.ccd.cli;

import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.registries.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads mirror-set objects from files and directories (every {@code .yaml}, {@code .yml} and {@code
 * .json} below a directory, in path order) into one {@link MirrorSets}.
 */
final class MirrorSetFiles {
  private MirrorSetFiles() {}

  static MirrorSets read(List<Path> paths) throws MirrorSetException {
    long limit = InputFile.Limits.current().file();
    List<MirrorSets> parts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path path : paths) {
      List<Path> files;
      try {
        files = expand(path);
      } catch (IOException e) {
        problems.add(Problem.error(path.toString(), "", InputFile.cause(e)));
        continue;
      }
      for (Path file : files) {
        try {
          String text = InputFile.text(file, limit);
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
