package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every S/E vector of registries-conf.md (generated into src/test/resources by
 * generate-vectors.py): the sources in order with blocked per source, or the exact error.
 */
class RegistriesVectorTest {

  /**
   * Where ccd knowingly differs from the skopeo 1.9.3 oracle, with the expectation it meets instead
   * (see the reference's "Version differences").
   */
  private static final Map<String, String> DEVIATIONS =
      Map.of(
          // containers/image main trims the slash; ccd follows main and validate warns.
          "E20-mirror-trailing-slash", "127.0.0.1:1/m/foo:1\nexample.com/foo:1 blocked\n");

  static Path vectors() {
    try {
      return Path.of(RegistriesVectorTest.class.getResource("/registries/vectors").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static EffectiveConfig load(Path dir) throws IOException {
    Optional<ConfFile> main =
        Optional.of(new ConfFile("$CONF", Files.readString(dir.resolve("registries.conf"))));
    List<ConfFile> dropIns = new ArrayList<>();
    Path confd = dir.resolve("registries.conf.d");
    if (Files.isDirectory(confd)) {
      try (Stream<Path> files = Files.list(confd)) {
        for (Path f : files.toList()) {
          dropIns.add(new ConfFile("$CONFD/" + f.getFileName(), Files.readString(f)));
        }
      }
    }
    return DropIns.merge(main, dropIns);
  }

  /** The form of expected.txt: one source per line with " blocked", or "error: MESSAGE". */
  static String render(PullSources.Explanation e) {
    if (e.error().isPresent()) {
      return "error: " + e.error().get() + "\n";
    }
    StringBuilder b = new StringBuilder();
    for (PullSources.Source s : e.sources()) {
      b.append(s.reference()).append(s.blocked() ? " blocked" : "").append('\n');
    }
    return b.toString();
  }

  @TestFactory
  Stream<DynamicTest> everyVector() throws IOException {
    List<Path> dirs;
    try (Stream<Path> list = Files.list(vectors())) {
      dirs = list.filter(Files::isDirectory).sorted().toList();
    }
    return dirs.stream()
        .map(
            dir ->
                DynamicTest.dynamicTest(
                    dir.getFileName().toString(),
                    () -> {
                      String name = dir.getFileName().toString();
                      String image = Files.readString(dir.resolve("image.txt")).strip();
                      String expected =
                          DEVIATIONS.getOrDefault(
                              name,
                              Files.readString(
                                  dir.resolve("expected.txt"), StandardCharsets.UTF_8));
                      EffectiveConfig config = load(dir);
                      String actual = render(PullSources.explain(config, image));
                      if (name.equals("E13-bad-toml")) {
                        // Syntax error texts are tomlj's, not BurntSushi's; the form and file
                        // match.
                        assertThat(actual)
                            .as("%s problems %s", name, config.problems())
                            .startsWith(
                                "error: loading registries configuration \"$CONF\": toml: line ");
                      } else {
                        assertThat(actual)
                            .as("%s (image %s, problems %s)", name, image, config.problems())
                            .isEqualTo(expected);
                      }
                    }));
  }

  @Test
  void vectorCountMatchesTheReference() throws IOException {
    try (Stream<Path> list = Files.list(vectors())) {
      assertThat(list.filter(Files::isDirectory).count()).isEqualTo(55);
    }
  }

  @Test
  void trailingSlashMirrorIsWarnedAbout() throws IOException {
    EffectiveConfig config = load(vectors().resolve("E20-mirror-trailing-slash"));
    assertThat(config.problems())
        .anySatisfy(
            p -> {
              assertThat(p.isError()).isFalse();
              assertThat(p.field())
                  .isEqualTo("registry[prefix=\"example.com\"].mirror[0].location");
              assertThat(p.message()).contains("ends with '/'");
            });
  }

  @Test
  void emptyV1ListNextToV2IsWarnedAbout() throws IOException {
    EffectiveConfig config = load(vectors().resolve("E22-mix-v1-empty"));
    assertThat(config.isValid()).isTrue();
    assertThat(config.problems())
        .anySatisfy(p -> assertThat(p.message()).contains("mixing sysregistry v1/v2"));
  }

  @Test
  void unknownKeysAreWarningsNamingThePath() throws IOException {
    EffectiveConfig config = load(vectors().resolve("E17-unknown-keys"));
    assertThat(config.problems())
        .filteredOn(p -> p.message().startsWith("unknown key"))
        .extracting(Problem::field)
        .containsExactly("frobnicate", "registry[0].colour", "registry[0].mirror[0].weight");
    assertThat(config.errors()).isEmpty();
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
