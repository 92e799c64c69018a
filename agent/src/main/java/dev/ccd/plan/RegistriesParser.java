package dev.ccd.plan;

import dev.ccd.registries.RegistriesConf;

/**
 * Parses registries.conf text for the safe-change analysis; {@code RegistriesToml::parse} in
 * production, hand-built documents in tests. May throw on invalid input.
 */
@FunctionalInterface
public interface RegistriesParser {
  RegistriesConf parse(String text, String file);
}
