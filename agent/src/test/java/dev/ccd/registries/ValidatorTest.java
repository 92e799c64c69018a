package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per rule of section b: the first error's field and exact containers/image text. */
class ValidatorTest {

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(
            "scheme on location",
            "[[registry]]\nlocation=\"https://example.com\"\n",
            "registry[prefix=\"https://example.com\"].location",
            "invalid location 'https://example.com': URI schemes are not supported"),
        Arguments.of(
            "scheme on search entry",
            "unqualified-search-registries=[\"http://a.example.com/\"]\n",
            "unqualified-search-registries[0]",
            "invalid location 'http://a.example.com/': URI schemes are not supported"),
        Arguments.of(
            "scheme in v1 block list",
            "[registries.block]\nregistries=[\"https://b.example.com\"]\n",
            "registries.block.registries",
            "invalid location 'https://b.example.com': URI schemes are not supported"),
        Arguments.of(
            "both unset",
            "[[registry]]\ninsecure=true\n",
            "registry[0]",
            "invalid condition: both location and prefix are unset"),
        Arguments.of(
            "location unset for plain prefix",
            "[[registry]]\nprefix=\"example.com\"\n",
            "registry[prefix=\"example.com\"].location",
            "invalid condition: location is unset and prefix is not in the format: *.example.com"),
        Arguments.of(
            "pull-from-mirror on a registry",
            "[[registry]]\nprefix=\"example.com/\"\nlocation=\"example.com\"\npull-from-mirror=\"all\"\n",
            "registry[prefix=\"example.com\"].pull-from-mirror",
            "pull-from-mirror must not be set for a non-mirror registry \"example.com\""),
        Arguments.of(
            "mirror without location",
            "[[registry]]\nlocation=\"example.com\"\n[[registry.mirror]]\ninsecure=true\n",
            "registry[prefix=\"example.com\"].mirror[0].location",
            "invalid condition: mirror location is unset"),
        Arguments.of(
            "mirror-by-digest-only with pull-from-mirror",
            "[[registry]]\nlocation=\"example.com\"\nmirror-by-digest-only=true\n"
                + "[[registry.mirror]]\nlocation=\"m.example.com/x\"\npull-from-mirror=\"tag-only\"\n",
            "registry[prefix=\"example.com\"].mirror[0].pull-from-mirror",
            "cannot set mirror usage mirror-by-digest-only for the registry (\"example.com\") and"
                + " pull-from-mirror for per-mirror (\"m.example.com/x\") at the same time"),
        Arguments.of(
            "bad pull-from-mirror (case-sensitive)",
            "[[registry]]\nlocation=\"example.com\"\n[[registry.mirror]]\nlocation=\"m.example.com\"\n"
                + "pull-from-mirror=\"Digest-Only\"\n",
            "registry[prefix=\"example.com\"].mirror[0].pull-from-mirror",
            "unsupported pull-from-mirror value \"Digest-Only\" for mirror \"m.example.com\""),
        Arguments.of(
            "insecure conflict checked before blocked",
            "[[registry]]\nprefix=\"example.com/a\"\nlocation=\"example.com\"\ninsecure=true\n"
                + "[[registry]]\nprefix=\"example.com/b\"\nlocation=\"example.com\"\nblocked=true\n",
            "registry[prefix=\"example.com/a\"].insecure",
            "registry 'example.com' is defined multiple times with conflicting 'insecure' setting"),
        Arguments.of(
            "wildcard conflict names an empty registry",
            "[[registry]]\nprefix=\"*.example.com\"\nblocked=true\n"
                + "[[registry]]\nprefix=\"*.example.com\"\n",
            "registry[prefix=\"*.example.com\"].blocked",
            "registry '' is defined multiple times with conflicting 'blocked' setting"),
        Arguments.of(
            "search entry with a path",
            "unqualified-search-registries=[\"example.com/foo\"]\n",
            "unqualified-search-registries[0]",
            "Invalid unqualified-search-registries entry \"example.com/foo\""),
        Arguments.of(
            "short-name-mode",
            "short-name-mode=\"Enforcing\"\n",
            "short-name-mode",
            "invalid short-name mode: \"Enforcing\""),
        Arguments.of(
            "wildcard with a path",
            "[[registry]]\nprefix=\"*.example.com/foo\"\n",
            "registry[prefix=\"*.example.com/foo\"].prefix",
            "Wildcarded prefix should be in the format: *.example.com. Current prefix"
                + " \"*.example.com/foo\" is incorrectly formatted"),
        Arguments.of(
            "alias with a tag",
            "[aliases]\n\"foo\"=\"example.com/foo:1\"\n",
            "aliases.\"foo\"",
            "validating short-name aliases: invalid alias \"example.com/foo:1\": must not contain tag"),
        Arguments.of(
            "alias with a digest",
            "[aliases]\nfoo=\"example.com/foo@sha256:" + "a".repeat(64) + "\"\n",
            "aliases.\"foo\"",
            "validating short-name aliases: invalid alias \"example.com/foo@sha256:"
                + "a".repeat(64)
                + "\": must not contain digest"),
        Arguments.of(
            "alias name with a registry",
            "[aliases]\n\"example.com/foo\"=\"example.com/foo\"\n",
            "aliases.\"example.com/foo\"",
            "validating short-name aliases: invalid short name \"example.com/foo\": must not contain"
                + " registry"),
        Arguments.of(
            "v1 and v2 mixed",
            "[registries.insecure]\nregistries=[\"a.example.com\"]\n[aliases]\nx=\"example.com/x\"\n",
            "registries",
            "mixing sysregistry v1/v2 is not supported"),
        Arguments.of(
            "wrong type",
            "[[registry]]\nlocation=\"example.com\"\nmirror-by-digest-only=1\n",
            "registry[0].mirror-by-digest-only",
            "toml: line 3 (last key \"registry.mirror-by-digest-only\"): incompatible types: TOML"
                + " value has type int64; destination has type boolean"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void firstErrorIsContainersImagesOne(String name, String toml, String field, String message) {
    List<Problem> errors =
        Validator.errors(Validator.validate(RegistriesToml.parse(toml, "/etc/x.conf")));
    assertThat(errors).as("errors of %s", name).isNotEmpty();
    assertThat(errors.get(0))
        .as("first error of %s", name)
        .isEqualTo(Problem.error("/etc/x.conf", field, message));
  }

  @Test
  void v1DropInIsAnError() {
    ParsedConf p =
        RegistriesToml.parse("[registries.search]\nregistries=[\"a.example.com\"]\n", "d.conf");
    assertThat(Validator.errors(Validator.validateDropIn(p)))
        .extracting(Problem::message)
        .containsExactly("registry must be in v2 format but is in v1");
    assertThat(Validator.errors(Validator.validate(p))).isEmpty();
  }

  @Test
  void validFilesHaveNoErrorsAndAllValuesThatAreNotErrors() {
    String toml =
        """
        unqualified-search-registries = ["registry.access.redhat.com", "docker.io", "localhost:5000/"]
        short-name-mode = "permissive"
        credential-helpers = []
        [aliases]
        "foo" = "example.com/foo"
        "bar" = ""
        [[registry]]
        prefix = "*.example.com"
        location = "mirror.example.org/all"
        [[registry]]
        location = "quay.io"
        [[registry.mirror]]
        location = "m.example.com"
        pull-from-mirror = "all"
        """;
    assertThat(Validator.errors(Validator.validate(RegistriesToml.parse(toml, "f")))).isEmpty();
  }

  @Test
  void samePrefixTwiceIsAWarningNotAnError() {
    String toml =
        "[[registry]]\nlocation=\"example.com\"\n[[registry]]\nprefix=\"example.com\"\nlocation=\"example.com\"\n";
    List<Problem> problems = Validator.validate(RegistriesToml.parse(toml, "f"));
    assertThat(Validator.errors(problems)).isEmpty();
    assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("defined again"));
  }

  @Test
  void locationThatCannotStartAReferenceIsWarned() {
    String toml = "[[registry]]\nprefix=\"example.com\"\nlocation=\"nodots\"\n";
    List<Problem> problems = Validator.validate(RegistriesToml.parse(toml, "f"));
    assertThat(problems)
        .anySatisfy(
            p -> {
              assertThat(p.field()).isEqualTo("registry[prefix=\"example.com\"].location");
              assertThat(p.message()).contains("rewriting reference");
            });
  }

  @Test
  void hostPrefixWithMirrorsWarnsAboutPortReferences() {
    String toml =
        "[[registry]]\nlocation=\"example.com\"\n[[registry.mirror]]\nlocation=\"m.example.com\"\n";
    assertThat(Validator.validate(RegistriesToml.parse(toml, "f")))
        .anySatisfy(p -> assertThat(p.message()).contains("example.com:PORT"));
  }
}
