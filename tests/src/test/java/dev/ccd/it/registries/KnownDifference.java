package dev.ccd.it.registries;

import dev.ccd.it.registries.GeneratedCase.GenFile;
import dev.ccd.it.registries.GeneratedCase.GenMirror;
import dev.ccd.it.registries.GeneratedCase.GenRegistry;
import dev.ccd.registries.PullSources.Explanation;
import dev.ccd.registries.SourcedRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The documented classes of disagreement between ccd (which follows containers/image main) and
 * skopeo 1.9.3 (containers/image v5.23.1); see docs/compatibility.md. Each test is narrow: it
 * recomputes what v5.23.1 would do for the specific cause and accepts the difference only then.
 */
enum KnownDifference {
  /**
   * v5.23.1 does not trim a trailing {@code /} from a mirror location, so rewriting through that
   * mirror yields {@code host/m//img} and the whole pull fails; main trims it.
   */
  MIRROR_LOCATION_TRAILING_SLASH,
  /**
   * Both reject the same file for a TOML syntax error, but ccd's parser (tomlj) words the error
   * (and sometimes counts the line) differently from BurntSushi/toml, which containers/image uses.
   */
  TOML_SYNTAX_MESSAGE;

  private static final Pattern TOML_ERROR =
      Pattern.compile(
          "(loading (?:drop-in )?registries configuration \"[^\"]+\": )toml: line \\d+.*",
          Pattern.DOTALL);

  /** The class that explains this disagreement, or empty when it is a real one. */
  static Optional<KnownDifference> classify(
      GeneratedCase c, Explanation ccd, Outcome ccdOutcome, Outcome skopeo) {
    if (trailingSlashMirror(c, ccd, skopeo)) {
      return Optional.of(MIRROR_LOCATION_TRAILING_SLASH);
    }
    if (tomlSyntax(c, ccdOutcome, skopeo)) {
      return Optional.of(TOML_SYNTAX_MESSAGE);
    }
    return Optional.empty();
  }

  /**
   * The case had a syntax error injected, both sides fail on the same file with a {@code toml: line
   * N} error, and neither error is a type or duplicate-key error (those ccd words exactly).
   */
  private static boolean tomlSyntax(GeneratedCase c, Outcome ccd, Outcome skopeo) {
    if (!c.injectedRule().equals(Optional.of(CaseGenerator.Rule.TOML_SYNTAX.name()))
        || ccd.error().isEmpty()
        || skopeo.error().isEmpty()) {
      return false;
    }
    Matcher a = TOML_ERROR.matcher(ccd.error().get());
    Matcher b = TOML_ERROR.matcher(skopeo.error().get());
    if (!a.matches() || !b.matches() || !a.group(1).equals(b.group(1))) {
      return false;
    }
    for (String e : List.of(ccd.error().get(), skopeo.error().get())) {
      if (e.contains("incompatible types") || e.contains("has already been defined")) {
        return false;
      }
    }
    return true;
  }

  /**
   * skopeo fails with the rewrite error, ccd succeeds, and the matched registry (the first entry of
   * that prefix in the file ccd says it came from) has a mirror eligible for this reference whose
   * written location ends in {@code /}.
   */
  private static boolean trailingSlashMirror(GeneratedCase c, Explanation ccd, Outcome skopeo) {
    if (ccd.failed()
        || !skopeo.error().equals(Optional.of("rewriting reference: invalid reference format"))
        || ccd.matched().isEmpty()) {
      return false;
    }
    SourcedRegistry matched = ccd.matched().get();
    String fileName = Path.of(matched.file()).getFileName().toString();
    Optional<GenRegistry> written =
        c.model().stream()
            .filter(f -> f.name().equals(fileName))
            .map(GenFile::registries)
            .flatMap(rs -> rs.stream().filter(r -> r.effectivePrefix().equals(matched.prefix())))
            .findFirst();
    if (written.isEmpty()) {
      return false;
    }
    boolean digested = ccd.reference().map(r -> r.contains("@")).orElse(false);
    GenRegistry r = written.get();
    for (GenMirror m : r.mirrors()) {
      boolean eligible =
          r.mirrorByDigestOnly()
              ? digested
              : switch (m.pullFromMirror().orElse("")) {
                case "digest-only" -> digested;
                case "tag-only" -> !digested;
                default -> true;
              };
      if (eligible && m.location().orElse("").endsWith("/")) {
        return true;
      }
    }
    return false;
  }
}
