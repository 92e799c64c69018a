package dev.ccd.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** packaging/crds is what the annotated classes generate (and nothing else lives there). */
class CrdFilesTest {

  @Test
  void theCommittedCrdsAreTheGeneratedOnes(@TempDir Path scratch) throws IOException {
    Map<String, String> generated = CrdFiles.generate(scratch);
    if (Boolean.getBoolean("ccd.crds.write")) {
      Files.createDirectories(CrdFiles.DIRECTORY);
      for (var file : generated.entrySet()) {
        Files.writeString(CrdFiles.DIRECTORY.resolve(file.getKey()), file.getValue());
      }
    }
    for (var file : generated.entrySet()) {
      assertThat(CrdFiles.DIRECTORY.resolve(file.getKey()))
          .as("regenerate: mvn -pl agent test -Dtest=CrdFilesTest -Dccd.crds.write=true")
          .hasContent(file.getValue());
    }
    try (Stream<Path> listed = Files.list(CrdFiles.DIRECTORY)) {
      assertThat(listed.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(generated.keySet());
    }
  }
}
