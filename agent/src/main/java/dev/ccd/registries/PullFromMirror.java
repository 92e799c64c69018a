package dev.ccd.registries;

import java.util.Optional;

/** Which kinds of reference a mirror serves: {@code pull-from-mirror} of registries.conf. */
public enum PullFromMirror {
  /** Written as an absent key (or {@code "all"}): tags and digests. */
  ALL("all"),
  DIGEST_ONLY("digest-only"),
  TAG_ONLY("tag-only");

  private final String tomlValue;

  PullFromMirror(String tomlValue) {
    this.tomlValue = tomlValue;
  }

  public String tomlValue() {
    return tomlValue;
  }

  /** The value for a TOML string; empty is {@link #ALL}. Case-sensitive, as containers/image. */
  public static Optional<PullFromMirror> fromToml(String value) {
    if (value.isEmpty()) {
      return Optional.of(ALL);
    }
    for (PullFromMirror p : values()) {
      if (p.tomlValue.equals(value)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
