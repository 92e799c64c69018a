package dev.ccd.registries;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How CRI-O (containers/image {@code pkg/shortnames}) turns a short name such as {@code busybox}
 * into pull candidates: an {@code [aliases]} entry for the name wins; else every {@code
 * unqualified-search-registries} entry is tried in order, each normalised as a full reference
 * ({@code docker.io/busybox} becomes {@code docker.io/library/busybox}). Pure.
 */
public final class ShortNames {
  private ShortNames() {}

  /** What a short name resolves to: its candidates in order, and why. */
  public record Resolution(
      String name, Optional<String> alias, List<String> candidates, String mode) {

    /**
     * Why CRI-O refuses to pull it at all, in CRI-O's words, or empty when it tries the candidates.
     * containers/image {@code shortnames.Resolve} prompts for a choice among several candidates
     * only on a terminal; without one (CRI-O is a daemon) {@code enforcing} is an error, which
     * CRI-O ({@code internal/storage}) reports as an ambiguous list. {@code permissive} and {@code
     * disabled} try every candidate in order; one candidate (an alias, or a single search registry)
     * is never ambiguous.
     */
    public Optional<String> refusal() {
      if (candidates.isEmpty()) {
        return Optional.of(
            "short-name \""
                + name
                + "\" did not resolve to an alias and no unqualified-search registries are"
                + " defined");
      }
      if (ENFORCING.equals(mode) && candidates.size() > 1) {
        return Optional.of(
            "short name mode is enforcing, but image name " + name + " returns ambiguous list");
      }
      return Optional.empty();
    }
  }

  private static final String ENFORCING = "enforcing";

  /** The default {@code short-name-mode} of containers/image when none is set. */
  public static final String DEFAULT_MODE = ENFORCING;

  /** Whether {@code image} has no registry part (its first component is not a host). */
  public static boolean isShort(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) {
      return true;
    }
    String first = image.substring(0, slash);
    return !(first.contains(".") || first.contains(":") || first.equals("localhost"));
  }

  /** The resolution of {@code image} under {@code conf}, or empty when it is not a short name. */
  public static Optional<Resolution> resolve(RegistriesConf conf, String image) {
    if (!isShort(image)) {
      return Optional.empty();
    }
    ImageReference ref = ImageReference.parse(image);
    String suffix =
        ref.tag().map(t -> ":" + t).orElse("") + ref.digest().map(d -> "@" + d).orElse("");
    if (ref.tag().isEmpty() && ref.digest().isEmpty()) {
      suffix = ":latest";
    }
    String mode = conf.shortNameMode().filter(m -> !m.isEmpty()).orElse(DEFAULT_MODE);
    String alias = conf.aliases().get(ref.name());
    if (alias != null) {
      return Optional.of(
          new Resolution(ref.name(), Optional.of(alias), List.of(alias + suffix), mode));
    }
    List<String> candidates = new ArrayList<>();
    for (String registry : conf.unqualifiedSearchRegistries().orElse(List.of())) {
      candidates.add(ImageReference.parseNormalized(registry + "/" + ref.name()).name() + suffix);
    }
    return Optional.of(new Resolution(ref.name(), Optional.empty(), candidates, mode));
  }
}
