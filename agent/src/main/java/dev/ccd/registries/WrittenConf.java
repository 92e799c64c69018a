package dev.ccd.registries;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A registries.conf file as written, before containers/image's normalisation: raw strings
 * (untrimmed, {@code ""} for an absent key) so that every rule of {@link Validator} can report what
 * the file says. Keys of the wrong type are absent here (their problem is already reported).
 */
public record WrittenConf(
    Optional<List<String>> unqualifiedSearchRegistries,
    Optional<String> shortNameMode,
    Optional<List<String>> credentialHelpers,
    Optional<String> additionalLayerStoreAuthHelper,
    Map<String, String> aliases,
    List<WrittenRegistry> registries,
    V1 v1) {

  public WrittenConf {
    unqualifiedSearchRegistries = unqualifiedSearchRegistries.map(List::copyOf);
    credentialHelpers = credentialHelpers.map(List::copyOf);
    // Keep the file's order: problems are reported in it.
    aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    registries = List.copyOf(registries);
    Objects.requireNonNull(v1, "v1");
  }

  public static final WrittenConf EMPTY =
      new WrittenConf(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Map.of(),
          List.of(),
          V1.ABSENT);

  /** One {@code [[registry]]} as written. */
  public record WrittenRegistry(
      String prefix,
      String location,
      boolean insecure,
      boolean blocked,
      boolean mirrorByDigestOnly,
      String pullFromMirror,
      List<WrittenMirror> mirrors) {
    public WrittenRegistry {
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(pullFromMirror, "pullFromMirror");
      mirrors = List.copyOf(mirrors);
    }
  }

  /** One {@code [[registry.mirror]]} as written. */
  public record WrittenMirror(String location, boolean insecure, String pullFromMirror) {
    public WrittenMirror {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(pullFromMirror, "pullFromMirror");
    }
  }

  /** The legacy {@code [registries.search|insecure|block]} lists; empty Optional = key absent. */
  public record V1(
      Optional<List<String>> search,
      Optional<List<String>> insecure,
      Optional<List<String>> block) {
    public static final V1 ABSENT = new V1(Optional.empty(), Optional.empty(), Optional.empty());

    public V1 {
      search = search.map(List::copyOf);
      insecure = insecure.map(List::copyOf);
      block = block.map(List::copyOf);
    }

    /** containers/image v5.23.1's test: some v1 list is non-empty. */
    public boolean hasContent() {
      return nonEmpty(search) || nonEmpty(insecure) || nonEmpty(block);
    }

    /** Newer containers/image's test: some v1 list is present, even {@code []}. */
    public boolean hasKeys() {
      return search.isPresent() || insecure.isPresent() || block.isPresent();
    }
  }

  /** containers/image's "non-empty v2": some v2 setting with content. */
  public boolean hasV2Content() {
    return nonEmpty(unqualifiedSearchRegistries)
        || nonEmpty(credentialHelpers)
        || shortNameMode.filter(s -> !s.isEmpty()).isPresent()
        || additionalLayerStoreAuthHelper.filter(s -> !s.isEmpty()).isPresent()
        || !aliases.isEmpty()
        || !registries.isEmpty();
  }

  private static boolean nonEmpty(Optional<List<String>> list) {
    return list.filter(l -> !l.isEmpty()).isPresent();
  }
}
