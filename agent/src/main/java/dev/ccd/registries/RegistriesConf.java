package dev.ccd.registries;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registries.conf (v2) document as containers/image reads it. Top-level keys that were absent are
 * {@code Optional.empty()}, because drop-in merging treats "absent" and "empty" differently.
 */
public record RegistriesConf(
    Optional<List<String>> unqualifiedSearchRegistries,
    Optional<String> shortNameMode,
    Optional<List<String>> credentialHelpers,
    Map<String, String> aliases,
    List<Registry> registries) {
  public RegistriesConf {
    unqualifiedSearchRegistries = unqualifiedSearchRegistries.map(List::copyOf);
    credentialHelpers = credentialHelpers.map(List::copyOf);
    aliases = Map.copyOf(aliases);
    registries = List.copyOf(registries);
  }

  public static final RegistriesConf EMPTY =
      new RegistriesConf(Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), List.of());
}
