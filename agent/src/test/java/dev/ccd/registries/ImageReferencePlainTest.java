package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass reader of plain references ({@link ImageReference#readPlain}) against the grammar it
 * stands in for: whatever it accepts, the regular expression reads to the same reference.
 */
class ImageReferencePlainTest {
  private static final String HEX = "a".repeat(64);

  /** References built as host/path:tag from pieces, valid often and nearly valid more often. */
  @Provide
  Arbitrary<String> nearReferences() {
    Arbitrary<String> host =
        pieces(
            5, "a", "b0", "Z9", "example", "-", "--", ".", ":5000", ":", "[::1]", "_", "localhost");
    Arbitrary<String> path =
        pieces(8, "a", "b0", "z9", "x", ".", "_", "__", "___", "-", "--", "/", "A", "é", ":");
    Arbitrary<String> tag = pieces(4, "v1", ".", "-", "_", "Q", "0", " ", "/", ":", "@");
    Arbitrary<String> digest = Arbitraries.of("", "", "", "@sha256:" + HEX, "@", "@sha256:ab");
    Arbitrary<String> near =
        Combinators.combine(host, path, tag, digest, Arbitraries.of("", "/"))
            .as((h, p, t, d, slash) -> h + "/" + p + (t.isEmpty() ? "" : ":" + t) + d + slash);
    return Arbitraries.oneOf(near, valid(), mutated(valid()));
  }

  /** host[:port]/path[:tag] by the grammar's rules (some over its length limits). */
  private static Arbitrary<String> valid() {
    Arbitrary<String> word = Arbitraries.strings().withChars("abz09").ofMinLength(1).ofMaxLength(6);
    Arbitrary<String> label =
        Arbitraries.strings()
            .withChars("abZ09-")
            .ofMinLength(1)
            .ofMaxLength(6)
            .filter(l -> l.charAt(0) != '-' && l.charAt(l.length() - 1) != '-');
    Arbitrary<String> host =
        Combinators.combine(
                label.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l)),
                Arbitraries.of("", ":1", ":5000"))
            .as(String::concat);
    Arbitrary<String> component =
        Combinators.combine(word, Arbitraries.of(".", "_", "__", "-", "---"), word)
            .as((a, sep, b) -> a + sep + b)
            .injectDuplicates(0.1);
    Arbitrary<String> path =
        Arbitraries.oneOf(word, component)
            .list()
            .ofMinSize(1)
            .ofMaxSize(4)
            .map(l -> String.join("/", l));
    Arbitrary<String> tag =
        Arbitraries.oneOf(
            Arbitraries.just(""),
            Arbitraries.strings()
                .withChars("aZ0_.-")
                .ofMinLength(1)
                .ofMaxLength(8)
                .map(t -> ":" + t));
    return Combinators.combine(host, path, tag).as((h, p, t) -> h + "/" + p + t);
  }

  /** One piece of {@code of} replaced by a character from the grammar's edges. */
  private static Arbitrary<String> mutated(Arbitrary<String> of) {
    return Combinators.combine(
            of, Arbitraries.integers().between(0, 40), Arbitraries.chars().with("/:.@-_A[é "))
        .as(
            (s, at, c) -> {
              int i = Math.min(at, s.length() - 1);
              return s.substring(0, i) + c + s.substring(i + 1);
            });
  }

  private static Arbitrary<String> pieces(int max, String... pieces) {
    return Arbitraries.of(pieces).list().ofMinSize(0).ofMaxSize(max).map(l -> String.join("", l));
  }

  @Property(tries = 4_000)
  void whatItReadsTheGrammarReadsTheSame(@ForAll("nearReferences") String s) {
    Optional<ImageReference> plain = ImageReference.readPlain(s);
    Statistics.label("read plainly")
        .collect(plain.isPresent())
        .coverage(c -> c.check(true).percentage(p -> p > 10)); // the test must exercise it
    if (plain.isPresent()) {
      Throwable refused = catchThrowable(() -> ImageReference.parseWithGrammar(s));
      assertThat(refused).as("the grammar refuses %s", s).isNull();
      assertThat(ImageReference.parseWithGrammar(s)).as(s).isEqualTo(plain.get());
    }
  }

  @Property(tries = 300)
  void longNamesAndTagsAtTheLimitsAgree(
      @ForAll("lengths") int pathLength, @ForAll("lengths") int tagLength) {
    String s = "host.example.com:5000/" + "p".repeat(pathLength) + ":" + "t".repeat(tagLength);
    Optional<ImageReference> plain = ImageReference.readPlain(s);
    if (plain.isPresent()) {
      assertThat(ImageReference.parseWithGrammar(s)).isEqualTo(plain.get());
    } else {
      assertThat(pathLength > 255 - 22 || tagLength > 128).as(s).isTrue();
    }
  }

  @Provide
  Arbitrary<Integer> lengths() {
    return Arbitraries.integers()
        .between(1, 300)
        .edgeCases(e -> e.includeOnly(1, 128, 129, 233, 234));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "host1.example.com/image:tag",
        "127.0.0.1:5000/m2-1/image:tag",
        "mirror.example.com/ns-1/team__a/app.x:v1.0",
        "Host.Example.com/x",
        "localhost:1/foo/bar:1"
      })
  void theShapesOfRegistriesConfAreReadPlainly(String s) {
    assertThat(ImageReference.readPlain(s)).contains(ImageReference.parseWithGrammar(s));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "busybox",
        "[::1]:5000/x:1",
        "example.com/x@sha256:"
            + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "example.com/UPPER",
        "example.com/a..b",
        "-bad.example.com/x",
        "example.com/x:-tag",
        "example.com:/x",
        "a_b/c"
      })
  void otherShapesAreLeftToTheGrammar(String s) {
    assertThat(ImageReference.readPlain(s)).isEmpty();
  }
}
