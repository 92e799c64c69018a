package dev.ccd.cli;

import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.registries.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    List<MirrorSets> parts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path path : paths) {
      List<Path> files;
      try {
        files = expand(path);
      } catch (IOException e) {
        problems.add(Problem.error(path.toString(), "", "cannot read: " + e));
        continue;
      }
      for (Path file : files) {
        try {
          String text = Files.readString(file, StandardCharsets.UTF_8);
          parts.add(MirrorSetsReader.parse(text, file.toString()));
        } catch (IOException e) {
          problems.add(Problem.error(file.toString(), "", "cannot read: " + e));
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

  private static List<Path> expand(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      if (!Files.exists(path)) {
        throw new IOException("no such file or directory");
      }
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
