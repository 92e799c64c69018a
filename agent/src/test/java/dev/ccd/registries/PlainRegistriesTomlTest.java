package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The plain-subset reader against tomlj: wherever {@link PlainRegistriesToml} answers, {@link
 * RegistriesToml#parse} must give exactly what the tomlj path gives (the same file, problems and
 * meaning), and it must decline everything it does not model.
 */
class PlainRegistriesTomlTest {

  /** parse (plain first) and the tomlj path agree on {@code text}; true if plain answered. */
  private static boolean agrees(String text) {
    boolean plain = PlainRegistriesToml.read(text).isPresent();
    ParsedConf viaTomlj = RegistriesToml.parseWithTomlj(text, "f");
    assertThat(RegistriesToml.parse(text, "f")).as("parsed from:\n%s", text).isEqualTo(viaTomlj);
    if (plain) {
      assertThat(viaTomlj.problems()).as("tomlj's problems with:\n%s", text).isEmpty();
    }
    return plain;
  }

  @Example
  void everyRegistriesVectorReadsAlikeAndMostAreInTheSubset() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(RegistriesVectorTest.vectors())) {
      all.filter(p -> p.toString().endsWith(".conf")).forEach(files::add);
    }
    int plain = 0;
    for (Path f : files) {
      if (agrees(Files.readString(f))) {
        plain++;
      }
    }
    assertThat(files).hasSizeGreaterThan(50);
    // the vectors with bad TOML or unknown keys go to tomlj; the rest is what real files look like
    assertThat(plain).isGreaterThan(files.size() / 2);
  }

  @Example
  void aTypicalFileWithCommentsCrlfAndMultiLineArraysIsInTheSubset() {
    String text =
        "# header\r\n"
            + "unqualified-search-registries = [\r\n"
            + "  \"registry.fedoraproject.org\", # first\r\n"
            + "  \"docker.io\",\r\n"
            + "]\r\n"
            + "short-name-mode=\"enforcing\"\r\n"
            + "credential-helpers = []\r\n"
            + "\r\n"
            + "[aliases]\r\n"
            + "  \"fedora\" = \"registry.fedoraproject.org/fedora\"\r\n"
            + "  tools = \"quay.io/tools\" # a bare key\r\n"
            + "[[registry]]\r\n"
            + "prefix = \"example.com/foo\"\r\n"
            + "location = \"internal.example.com/foo\"\r\n"
            + "insecure = false\r\n"
            + "blocked = true\r\n"
            + "mirror-by-digest-only = true\r\n"
            + "  [[registry.mirror]]\r\n"
            + "  location = \"mirror.example.com/foo\"\r\n"
            + "  insecure = true\r\n"
            + "  pull-from-mirror = \"digest-only\"\r\n"
            + "[[registry]]\r\n"
            + "\"location\" = \"quay.io\"";
    assertThat(agrees(text)).isTrue();
    WrittenConf w = PlainRegistriesToml.read(text).orElseThrow();
    assertThat(w.aliases())
        .containsExactly(
            Map.entry("fedora", "registry.fedoraproject.org/fedora"),
            Map.entry("tools", "quay.io/tools"));
    assertThat(w.registries()).hasSize(2);
    assertThat(w.registries().get(0).mirrors()).hasSize(1);
    assertThat(w.unqualifiedSearchRegistries())
        .contains(List.of("registry.fedoraproject.org", "docker.io"));
  }

  @Example
  void declinesWhatItDoesNotModelAndTomljReadsThose() {
    List<String> outside =
        List.of(
            "[[registry]]\nlocation = \"a\\u0041\"\n", // an escape
            "[[registry]]\nlocation = 'a'\n", // a literal string
            "[[registry]]\nlocation = \"\"\"a\"\"\"\n", // a multi-line string
            "[[registry]]\nlocation\t= \"a\"\n", // a tab
            "[[registry]]\nlocation = \"é\"\n", // non-ASCII
            "registry.location = \"a\"\n", // a dotted key
            "[[ registry ]]\nlocation = \"a\"\n", // a header with blanks inside
            "[[registry]]\nlocation = \"a\"\nlocation = \"b\"\n", // a duplicate key
            "[aliases]\na = \"x\"\n[aliases]\nb = \"y\"\n", // a table twice
            "[aliases]\na = \"x\"\n\"a\" = \"y\"\n", // a duplicate alias
            "[[registry]]\nlocaton = \"a\"\n", // an unknown key (a warning)
            "additional-layer-store-auth-helper = \"x\"\n", // a warning
            "[[registry]]\ninsecure = \"yes\"\n", // a wrong type
            "[[registry]]\ninsecure = 1\n", // a number
            "short-name-mode = [\"a\"]\n", // a wrong type
            "unqualified-search-registries = [\"a\", true]\n", // a mixed array
            "[registries.search]\nregistries = [\"a\"]\n", // v1
            "[[registry.mirror]]\nlocation = \"a\"\n", // a mirror before any registry
            "[[registry]]\nmirror = []\n",
            "[[registry]]\nlocation = \"a\" b\n", // junk after a value
            "[[registry]]\nblocked = truex\n",
            "[[registry]]\nlocation = \"a\"\r[[registry]]\n", // a lone CR
            "[[registry]]\nlocation = \"a\n", // unterminated
            "unqualified-search-registries = [\"a\"\n", // unterminated array
            "unqualified-search-registries = [,]\n",
            "[aliases]\n\"\" = \"x\"\n", // an empty key
            "# a comment with a control \u0001 character\n",
            "[[registry]]\nlocation = \"a\"\n[[registry]]\nlocation = \"b\"\n[other]\n");
    for (String text : outside) {
      assertThat(PlainRegistriesToml.read(text)).as("read:\n%s", text).isEmpty();
      agrees(text);
    }
  }

  @Property(tries = 300)
  void whatCcdWritesIsInTheSubsetAndReadsAlike(@ForAll("conf") RegistriesConf conf) {
    String text = RegistriesToml.write(conf, List.of("rendered from: test"));
    assertThat(agrees(text)).as("in the subset:\n%s", text).isTrue();
  }

  /**
   * A file ccd writes, cut or spliced with TOML's own characters: wherever the plain reader still
   * answers, the answer is tomlj's; it must decline every text tomlj rejects or warns about.
   */
  @Property(tries = 2000)
  void editedFilesReadAlikeWhereverThePlainReaderAnswers(
      @ForAll("conf") RegistriesConf conf, @ForAll("edits") List<Edit> edits) {
    String text = RegistriesToml.write(conf, List.of("rendered from: test"));
    for (Edit e : edits) {
      text = e.apply(text);
    }
    if (TomlPreScan.check(text).isPresent()) {
      return;
    }
    boolean plain = agrees(text);
    Statistics.label("plain reader answered").collect(plain);
  }

  @Provide
  Arbitrary<RegistriesConf> conf() {
    Arbitrary<Map<String, String>> aliases =
        Arbitraries.maps(
                Arbitraries.of("fedora", "a.b/c", "tools", "x y"),
                Generators.hostAndPath().map(h -> h + "/img"))
            .ofMaxSize(3);
    return Combinators.combine(
            Generators.hostAndPath().list().ofMaxSize(3).optional(),
            Arbitraries.of("enforcing", "permissive", "disabled").optional(),
            Arbitraries.of("containers-auth.json", "docker-credential-x")
                .list()
                .ofMaxSize(2)
                .optional(),
            aliases,
            Generators.validConf())
        .as(
            (search, mode, helpers, a, c) ->
                new RegistriesConf(search, mode, helpers, a, c.registries()));
  }

  /** Replace, insert or delete one character, or duplicate a line. */
  record Edit(int kind, double where, char c) {
    String apply(String text) {
      if (text.isEmpty()) {
        return String.valueOf(c);
      }
      int at = (int) (where * text.length());
      return switch (kind) {
        case 0 -> text.substring(0, at) + c + text.substring(Math.min(text.length(), at + 1));
        case 1 -> text.substring(0, at) + c + text.substring(at);
        case 2 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1));
        default -> {
          int start = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
          int end = text.indexOf('\n', at);
          String line = text.substring(start, end < 0 ? text.length() : end + 1);
          yield text.substring(0, start)
              + line
              + (line.endsWith("\n") ? "" : "\n")
              + text.substring(start);
        }
      };
    }
  }

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Character> chars =
        Arbitraries.of(
            '"', '\'', '[', ']', '=', ',', '.', '#', '\n', '\r', '\t', ' ', '\\', 'a', '1', 'é',
            '{', '}', 't', 'f');
    return Combinators.combine(
            Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 1), chars)
        .as(Edit::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3);
  }

  @Example
  void aLargeFileIsReadByThePlainReader() {
    List<Registry> registries = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      registries.add(
          new Registry(
              "host" + i + ".example.com/ns",
              "",
              false,
              i % 3 == 0,
              false,
              List.of(new Mirror("mirror" + i + ".example.com", false, PullFromMirror.ALL))));
    }
    String text =
        RegistriesToml.write(
            new RegistriesConf(
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), registries),
            List.of());
    assertThat(agrees(text)).isTrue();
  }
}
