package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.testing.Mutations;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing of the registries.conf parser, the mirror-set reader and the image-reference parser: only
 * the typed validation errors may escape (no RuntimeException, no StackOverflowError), each input
 * answers quickly, and what parses round-trips. Tries: jqwik's default here (1,000, a few seconds);
 * {@code mvn -Pfuzz -Dfuzz.tries=N} runs longer.
 */
class ParsersFuzzTest {
  // Generous: the first try also loads and compiles the parsers; a quadratic input takes minutes.
  static final Duration SLOW = Duration.ofSeconds(5);

  @Provide
  Arbitrary<String> registriesConf() {
    return Mutations.of(
        List.of(
            "unqualified-search-registries = [\"registry.access.redhat.com\", \"docker.io\"]\n"
                + "short-name-mode = \"enforcing\"\n",
            "[[registry]]\nprefix = \"quay.io/a\"\nlocation = \"mirror.example.com/a\"\n"
                + "blocked = false\ninsecure = true\nmirror-by-digest-only = true\n"
                + "[[registry.mirror]]\nlocation = \"m.example.com\"\npull-from-mirror = \"digest-only\"\n",
            "[aliases]\n\"fedora\" = \"registry.fedoraproject.org/fedora\"\n",
            "[registries.search]\nregistries = ['docker.io']\n[registries.block]\nregistries = []\n",
            "credential-helpers = [\"containers-auth.json\"]\n"));
  }

  @Property
  void registriesTomlAnswersWithProblemsOnly(@ForAll("registriesConf") String text) {
    long start = System.nanoTime();
    ParsedConf parsed = RegistriesToml.parse(text, "fuzz.conf");
    List<Problem> problems = Validator.validate(parsed);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLOW);
    assertThat(problems).allSatisfy(p -> assertThat(p.toString()).doesNotContain("Exception"));
    if (!parsed.hasDecodeErrors() && !parsed.v1()) {
      // What ccd decodes, it writes back to the same meaning.
      String written = RegistriesToml.write(parsed.conf(), List.of());
      ParsedConf again = RegistriesToml.parse(written, "again.conf");
      assertThat(again.hasDecodeErrors()).as("%s rewritten as %s", text, written).isFalse();
      assertThat(again.conf()).isEqualTo(parsed.conf());
    }
  }

  @Provide
  Arbitrary<String> mirrorSets() {
    return Mutations.of(
        List.of(
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: d}
            spec:
              imageDigestMirrors:
              - {source: a.com/x, mirrors: [m.com/x], mirrorSourcePolicy: NeverContactSource}
            ---
            apiVersion: operator.openshift.io/v1alpha1
            kind: ImageContentSourcePolicy
            metadata: {name: i}
            spec:
              repositoryDigestMirrors: [{source: c.com, mirrors: [o.com]}]
            """,
            """
            {"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "config.openshift.io/v1",
             "kind": "ImageTagMirrorSet", "metadata": {"name": "t"},
             "spec": {"imageTagMirrors": [{"source": "b.com", "mirrors": ["n.com"]}]}}]}
            """,
            """
            apiVersion: config.openshift.io/v1
            kind: Image
            metadata: {name: cluster}
            spec: {registrySources: {blockedRegistries: [x.com], insecureRegistries: [y.com]}}
            """));
  }

  @Property
  void mirrorSetsReaderThrowsOnlyMirrorSetException(@ForAll("mirrorSets") String text) {
    long start = System.nanoTime();
    try {
      MirrorSets sets = MirrorSetsReader.parse(text, "fuzz.yaml");
      MirrorSetRenderer.validate(sets);
    } catch (MirrorSetException e) {
      assertThat(e.problems())
          .isNotEmpty()
          .allSatisfy(
              p -> assertThat(p.toString()).doesNotContain("Exception", "java.", "com.fasterxml"));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLOW);
  }

  @Provide
  Arbitrary<String> references() {
    return Arbitraries.oneOf(
        Mutations.of(
            List.of(
                "quay.io/openshift-release-dev/ocp-release:4.16.0-x86_64",
                "registry.example.com:5000/a/b@sha256:" + "ab".repeat(32),
                "docker.io/library/busybox",
                "localhost/x_y__z-w.v:tag")),
        // long runs of separators: the distribution grammar is a regex; it must not backtrack
        Arbitraries.strings()
            .withChars("a-._/:")
            .ofMinLength(20)
            .ofMaxLength(300)
            .map(s -> s + "!"));
  }

  @Property
  void imageReferenceThrowsOnlyInvalidReference(@ForAll("references") String text) {
    long start = System.nanoTime();
    try {
      ImageReference ref = ImageReference.parse(text);
      assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
      assertThat(ref.toString()).isEqualTo(text);
    } catch (ImageReference.InvalidReferenceException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      ImageReference normalized = ImageReference.parseNormalized(text);
      assertThat(ImageReference.parseNormalized(normalized.toString())).isEqualTo(normalized);
    } catch (ImageReference.InvalidReferenceException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLOW);
  }
}
