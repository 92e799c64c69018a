package dev.ccd.registries;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The sources CRI-O tries for an image, in order, with the reason for each (containers/image's
 * {@code PullSourcesFromReference} plus the transport's per-attempt blocked check).
 */
public final class PullSources {
  private PullSources() {}

  /** One image's explanation; {@code error} is set (and {@code sources} empty) when it fails. */
  public record Explanation(
      String image,
      Optional<String> reference,
      Optional<SourcedRegistry> matched,
      List<Source> sources,
      List<Skipped> skipped,
      Optional<String> error) {
    public Explanation {
      Objects.requireNonNull(image, "image");
      sources = List.copyOf(sources);
      skipped = List.copyOf(skipped);
    }

    public boolean failed() {
      return error.isPresent();
    }

    static Explanation failure(String image, Optional<String> reference, String error) {
      return new Explanation(
          image, reference, Optional.empty(), List.of(), List.of(), Optional.of(error));
    }
  }

  /**
   * One attempt: the rewritten reference, whether it is a mirror, TLS-skip, whether the transport
   * refuses it ({@code blockedBy} = the blocked registry's prefix and file) and why it is in the
   * list.
   */
  public record Source(
      String reference,
      boolean mirror,
      boolean insecure,
      boolean blocked,
      Optional<SourcedRegistry> blockedBy,
      String why) {}

  /** A mirror left out for this reference, and why. */
  public record Skipped(String location, String why) {}

  /** Explains {@code image} (any docker reference; short names are normalised to docker.io). */
  public static Explanation explain(EffectiveConfig config, String image) {
    // The docker transport parses the reference before it loads registries.conf, so a bad
    // reference is reported even when the configuration is invalid too.
    ImageReference ref;
    try {
      ref = ImageReference.parseNormalized(image);
    } catch (ImageReference.InvalidReferenceException e) {
      return Explanation.failure(image, Optional.empty(), e.getMessage());
    }
    if (ref.tag().isPresent() && ref.digest().isPresent()) {
      return Explanation.failure(
          image,
          Optional.of(ref.toString()),
          "Docker references with both a tag and digest are currently not supported");
    }
    if (config.loadError().isPresent()) {
      return Explanation.failure(image, Optional.of(ref.toString()), config.loadError().get());
    }
    ref = ref.withDefaultTag();
    String refString = ref.toString();
    Optional<SourcedRegistry> matched = config.findRegistry(ref.name());
    if (matched.isEmpty()) {
      Source only =
          source(
              config,
              ref,
              false,
              false,
              "no [[registry]] prefix matches " + ref.name() + "; the reference is used as is");
      return new Explanation(
          image, Optional.of(refString), matched, List.of(only), List.of(), Optional.empty());
    }
    Registry r = matched.get().registry();
    String prefix = r.effectivePrefix();
    String where = "registry prefix \"" + prefix + "\" from " + matched.get().file();
    boolean digested = ref.isDigested();
    List<Skipped> skipped = new ArrayList<>();
    List<Mirror> mirrors = new ArrayList<>();
    for (int i = 0; i < r.mirrors().size(); i++) {
      Mirror m = r.mirrors().get(i);
      if (r.mirrorByDigestOnly() && !digested) {
        skipped.add(
            new Skipped(
                m.location(),
                "mirror-by-digest-only=true and the reference has a tag, not a digest"));
      } else if (m.pullFromMirror() == PullFromMirror.DIGEST_ONLY && !digested) {
        skipped.add(
            new Skipped(m.location(), "pull-from-mirror=digest-only and the reference has a tag"));
      } else if (m.pullFromMirror() == PullFromMirror.TAG_ONLY && digested) {
        skipped.add(
            new Skipped(m.location(), "pull-from-mirror=tag-only and the reference has a digest"));
      } else {
        mirrors.add(m);
      }
    }
    List<Source> sources = new ArrayList<>();
    try {
      for (int i = 0; i < mirrors.size(); i++) {
        Mirror m = mirrors.get(i);
        ImageReference rewritten = rewrite(ref, prefix, m.location());
        sources.add(
            source(
                config,
                rewritten,
                true,
                m.insecure(),
                "mirror " + (i + 1) + " (" + m.location() + ") of " + where));
      }
      ImageReference primary = rewrite(ref, prefix, r.location());
      sources.add(
          source(
              config,
              primary,
              false,
              r.insecure(),
              "primary location"
                  + (r.location().isEmpty() ? " (reference kept as is)" : " (" + r.location() + ")")
                  + " of "
                  + where
                  + ", always tried last"));
    } catch (ImageReference.InvalidReferenceException e) {
      return new Explanation(
          image,
          Optional.of(refString),
          matched,
          List.of(),
          skipped,
          Optional.of("rewriting reference: " + e.getMessage()));
    }
    return new Explanation(
        image, Optional.of(refString), matched, sources, skipped, Optional.empty());
  }

  /**
   * Replaces the matched prefix part of the full reference with {@code location} and re-parses the
   * result, which must be canonical; an empty location keeps the reference.
   */
  static ImageReference rewrite(ImageReference ref, String prefix, String location) {
    String refString = ref.toString();
    int matched = PrefixMatch.matchLength(refString, prefix);
    if (matched == -1) {
      throw new ImageReference.InvalidReferenceException(
          "invalid prefix '" + prefix + "' for reference '" + refString + "'");
    }
    if (location.isEmpty()) {
      return ref;
    }
    return ImageReference.parseCanonical(location + refString.substring(matched));
  }

  /** A source with blocked computed as the transport does: by the best match of its own name. */
  private static Source source(
      EffectiveConfig config, ImageReference ref, boolean mirror, boolean insecure, String why) {
    Optional<SourcedRegistry> endpoint = config.findRegistry(ref.name());
    Optional<SourcedRegistry> blockedBy = endpoint.filter(e -> e.registry().blocked());
    String reason =
        blockedBy
            .map(
                b ->
                    why + "; refused: registry " + b.prefix() + " is blocked (in " + b.file() + ")")
            .orElse(why);
    return new Source(ref.toString(), mirror, insecure, blockedBy.isPresent(), blockedBy, reason);
  }
}
