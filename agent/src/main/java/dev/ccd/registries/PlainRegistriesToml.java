package dev.ccd.registries;

import dev.ccd.registries.WrittenConf.V1;
import dev.ccd.registries.WrittenConf.WrittenMirror;
import dev.ccd.registries.WrittenConf.WrittenRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A one-pass reader for registries.conf files written in the plain subset of TOML that ccd itself
 * writes and that real files use: comments, {@code [[registry]]}, {@code [[registry.mirror]]} and
 * {@code [aliases]} headers, and {@code key = value} lines whose value is a basic string without
 * escapes, {@code true}/{@code false}, or an array of such strings, every key one containers/image
 * knows with the type it expects, in printable ASCII. It exists because tomlj's ANTLR parser costs
 * ≈ 0.45 µs per byte (about a second for 10,000 registries; docs/performance.md, "Parsing").
 *
 * <p>It answers only when the whole text is in the subset and decodes without a problem, and then
 * with exactly what tomlj and {@code RegistriesToml}'s decoder give for it; anything else (an
 * escape, a dotted key, a number, a duplicate, an unknown key, a wrong type, a tab or a non-ASCII
 * character) is empty, and the caller reads the text with tomlj, which reports every error and
 * warning with its line. {@code PlainRegistriesTomlTest} holds both readers to the same results.
 */
final class PlainRegistriesToml {
  private PlainRegistriesToml() {}

  /** The decoded file, or empty when the text leaves the subset (read it with tomlj then). */
  static Optional<WrittenConf> read(String text) {
    try {
      return Optional.of(new Scan(text).file());
    } catch (Outside e) {
      return Optional.empty();
    }
  }

  /** Thrown where the text leaves the subset; one shared instance, no stack trace. */
  private static final class Outside extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Outside INSTANCE = new Outside();

    private Outside() {
      super(null, null, false, false);
    }
  }

  private static Outside outside() {
    return Outside.INSTANCE;
  }

  /** The keys of a {@code [[registry]]} table; {@code mirrors} grows with each mirror header. */
  private static final class RegistryKeys {
    String prefix;
    String location;
    Boolean insecure;
    Boolean blocked;
    Boolean mirrorByDigestOnly;
    String pullFromMirror;
    final List<MirrorKeys> mirrors = new ArrayList<>();

    WrittenRegistry build() {
      List<WrittenMirror> built = new ArrayList<>(mirrors.size());
      for (MirrorKeys m : mirrors) {
        built.add(m.build());
      }
      return new WrittenRegistry(
          orEmpty(prefix),
          orEmpty(location),
          Boolean.TRUE.equals(insecure),
          Boolean.TRUE.equals(blocked),
          Boolean.TRUE.equals(mirrorByDigestOnly),
          orEmpty(pullFromMirror),
          built);
    }
  }

  /** The keys of a {@code [[registry.mirror]]} table. */
  private static final class MirrorKeys {
    String location;
    Boolean insecure;
    String pullFromMirror;

    WrittenMirror build() {
      return new WrittenMirror(
          orEmpty(location), Boolean.TRUE.equals(insecure), orEmpty(pullFromMirror));
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Which table the following key/value lines belong to. */
  private enum Table {
    ROOT,
    ALIASES,
    REGISTRY,
    MIRROR
  }

  private static final class Scan {
    private final String text;
    private final int n;
    private int pos;

    private Table table = Table.ROOT;
    private List<String> unqualifiedSearchRegistries;
    private String shortNameMode;
    private List<String> credentialHelpers;
    private Map<String, String> aliases;
    private final List<RegistryKeys> registries = new ArrayList<>();

    Scan(String text) {
      this.text = text;
      this.n = text.length();
    }

    WrittenConf file() {
      while (pos < n) {
        skipBlanks();
        if (pos >= n) {
          break;
        }
        char c = text.charAt(pos);
        if (c == '[') {
          header();
        } else if (c != '#' && c != '\n' && c != '\r') {
          keyValue();
        }
        endOfLine();
      }
      List<WrittenRegistry> built = new ArrayList<>(registries.size());
      for (RegistryKeys r : registries) {
        built.add(r.build());
      }
      return new WrittenConf(
          Optional.ofNullable(unqualifiedSearchRegistries),
          Optional.ofNullable(shortNameMode),
          Optional.ofNullable(credentialHelpers),
          Optional.empty(),
          aliases == null ? Map.of() : aliases,
          built,
          V1.ABSENT);
    }

    private void header() {
      if (text.startsWith("[[registry]]", pos)) {
        pos += "[[registry]]".length();
        registries.add(new RegistryKeys());
        table = Table.REGISTRY;
      } else if (text.startsWith("[[registry.mirror]]", pos)) {
        if (registries.isEmpty()) {
          throw outside();
        }
        pos += "[[registry.mirror]]".length();
        registries.get(registries.size() - 1).mirrors.add(new MirrorKeys());
        table = Table.MIRROR;
      } else if (text.startsWith("[aliases]", pos)) {
        if (aliases != null) {
          throw outside(); // a table defined twice: tomlj's error
        }
        pos += "[aliases]".length();
        aliases = new LinkedHashMap<>();
        table = Table.ALIASES;
      } else {
        throw outside();
      }
    }

    private void keyValue() {
      String key = key();
      skipBlanks();
      if (pos >= n || text.charAt(pos) != '=') {
        throw outside(); // a dotted key, or no value
      }
      pos++;
      skipBlanks();
      switch (table) {
        case ROOT -> rootKey(key);
        case ALIASES -> {
          if (aliases.put(key, string()) != null) {
            throw outside();
          }
        }
        case REGISTRY -> registryKey(registries.get(registries.size() - 1), key);
        case MIRROR -> {
          List<MirrorKeys> mirrors = registries.get(registries.size() - 1).mirrors;
          mirrorKey(mirrors.get(mirrors.size() - 1), key);
        }
      }
    }

    private void rootKey(String key) {
      switch (key) {
        case "unqualified-search-registries" ->
            unqualifiedSearchRegistries = once(unqualifiedSearchRegistries, strings());
        case "short-name-mode" -> shortNameMode = once(shortNameMode, string());
        case "credential-helpers" -> credentialHelpers = once(credentialHelpers, strings());
        default -> throw outside();
      }
    }

    private void registryKey(RegistryKeys r, String key) {
      switch (key) {
        case "prefix" -> r.prefix = once(r.prefix, string());
        case "location" -> r.location = once(r.location, string());
        case "insecure" -> r.insecure = once(r.insecure, bool());
        case "blocked" -> r.blocked = once(r.blocked, bool());
        case "mirror-by-digest-only" -> r.mirrorByDigestOnly = once(r.mirrorByDigestOnly, bool());
        case "pull-from-mirror" -> r.pullFromMirror = once(r.pullFromMirror, string());
        default -> throw outside();
      }
    }

    private void mirrorKey(MirrorKeys m, String key) {
      switch (key) {
        case "location" -> m.location = once(m.location, string());
        case "insecure" -> m.insecure = once(m.insecure, bool());
        case "pull-from-mirror" -> m.pullFromMirror = once(m.pullFromMirror, string());
        default -> throw outside();
      }
    }

    /** {@code value}, unless the key had one already (a duplicate key: tomlj's error). */
    private static <T> T once(T previous, T value) {
      if (previous != null) {
        throw outside();
      }
      return value;
    }

    /** A bare key or a quoted key without escapes. */
    private String key() {
      if (text.charAt(pos) == '"') {
        String key = string();
        if (key.isEmpty()) {
          throw outside();
        }
        return key;
      }
      int start = pos;
      while (pos < n && bareKeyChar(text.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        throw outside();
      }
      return text.substring(start, pos);
    }

    private static boolean bareKeyChar(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_';
    }

    /** A one-line basic string of printable ASCII without escapes; not a multi-line one. */
    private String string() {
      if (pos >= n || text.charAt(pos) != '"') {
        throw outside();
      }
      int start = ++pos;
      while (pos < n) {
        char c = text.charAt(pos);
        if (c == '"') {
          if (pos == start && pos + 1 < n && text.charAt(pos + 1) == '"') {
            throw outside(); // """: a multi-line string
          }
          pos++;
          return text.substring(start, pos - 1);
        }
        if (c < 0x20 || c > 0x7e || c == '\\') {
          throw outside();
        }
        pos++;
      }
      throw outside(); // unterminated
    }

    private Boolean bool() {
      if (text.startsWith("true", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("false", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      throw outside();
    }

    /** An array of strings; it may span lines, with comments, and end with a comma. */
    private List<String> strings() {
      if (pos >= n || text.charAt(pos) != '[') {
        throw outside();
      }
      pos++;
      List<String> out = new ArrayList<>();
      skipArraySpace();
      while (pos < n && text.charAt(pos) != ']') {
        out.add(string());
        skipArraySpace();
        if (pos < n && text.charAt(pos) == ',') {
          pos++;
          skipArraySpace();
        } else if (pos >= n || text.charAt(pos) != ']') {
          throw outside();
        }
      }
      if (pos >= n) {
        throw outside();
      }
      pos++;
      return out;
    }

    /** Blanks, newlines and comments between the elements of an array. */
    private void skipArraySpace() {
      while (true) {
        skipBlanks();
        if (pos >= n) {
          return;
        }
        char c = text.charAt(pos);
        if (c == '#') {
          skipComment();
        } else if (c == '\n' || c == '\r') {
          newline();
        } else {
          return;
        }
      }
    }

    private void skipBlanks() {
      while (pos < n && text.charAt(pos) == ' ') {
        pos++;
      }
    }

    /** After a header or a value: blanks, an optional comment, then a newline or the end. */
    private void endOfLine() {
      skipBlanks();
      if (pos < n && text.charAt(pos) == '#') {
        skipComment();
      }
      if (pos < n) {
        newline();
      }
    }

    private void skipComment() {
      pos++; // '#'
      while (pos < n) {
        char c = text.charAt(pos);
        if (c == '\n' || c == '\r') {
          return;
        }
        if (c < 0x20 || c > 0x7e) {
          throw outside();
        }
        pos++;
      }
    }

    /** {@code \n} or {@code \r\n}; anything else here is outside the subset. */
    private void newline() {
      char c = text.charAt(pos);
      if (c == '\n') {
        pos++;
      } else if (c == '\r' && pos + 1 < n && text.charAt(pos + 1) == '\n') {
        pos += 2;
      } else {
        throw outside();
      }
    }
  }
}
