package dev.ccd.registries;

import java.util.Objects;

/** A configuration file's name (its full path, as messages show it) and text. */
public record ConfFile(String name, String text) {
  public ConfFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(text, "text");
  }
}
