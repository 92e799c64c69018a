package dev.ccd.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code agent/src/main/jvm/ccd.jvmopts}, the one list of JVM flags every ccd process runs
 * with: one flag per line, {@code #} starts a comment, blank lines ignored (the launcher reads it
 * the same way with sed).
 */
public final class JvmOptionsFile {
  /** Where the file is, relative to a module directory ({@code agent/} or {@code tests/}). */
  public static final Path FROM_MODULE = Path.of("../agent/src/main/jvm/ccd.jvmopts");

  private JvmOptionsFile() {}

  /** The flags in {@code file}, in order. */
  public static List<String> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** The flags in {@code text}, in order. */
  public static List<String> parse(String text) {
    List<String> flags = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      int hash = line.indexOf('#');
      String body = hash < 0 ? line : line.substring(0, hash);
      for (String word : body.trim().split("\\s+")) {
        if (!word.isEmpty()) {
          flags.add(word);
        }
      }
    }
    return flags;
  }
}
