package dev.ccd.registries;

import dev.ccd.registries.WrittenConf.V1;
import dev.ccd.registries.WrittenConf.WrittenMirror;
import dev.ccd.registries.WrittenConf.WrittenRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/** The registries.conf TOML codec: decodes a file as containers/image does, and writes one. */
public final class RegistriesToml {
  private RegistriesToml() {}

  private static final Pattern PREVIOUSLY_DEFINED =
      Pattern.compile("(.+) previously defined at line \\d+, column \\d+");
  private static final Pattern TABLE_HEADER =
      Pattern.compile("^\\s*\\[\\[?\\s*([^\\[\\]]+?)\\s*\\]\\]?\\s*(#.*)?$");

  /**
   * Decodes {@code text} (the content of {@code file}). Never throws for bad input: TOML syntax,
   * type and duplicate-key errors are error {@link Problem}s with the line; unknown keys, which
   * containers/image ignores, are warnings naming the key path.
   */
  public static ParsedConf parse(String text, String file) {
    List<Problem> problems = new ArrayList<>();
    Optional<TomlPreScan.Refusal> refused = TomlPreScan.check(text);
    if (refused.isPresent()) {
      TomlPreScan.Refusal r = refused.get();
      problems.add(Problem.error(file, "", "toml: line " + r.line() + ": " + r.message()));
      return new ParsedConf(file, WrittenConf.EMPTY, RegistriesConf.EMPTY, false, problems);
    }
    Optional<WrittenConf> plain = PlainRegistriesToml.read(text);
    if (plain.isPresent()) {
      return parsed(file, plain.get(), problems);
    }
    return parseWithTomlj(text, file);
  }

  /**
   * What {@link #parse} gives for text the pre-scan accepts, always through tomlj: the reference
   * {@link PlainRegistriesToml} is held to (and the path of every file outside its subset).
   */
  static ParsedConf parseWithTomlj(String text, String file) {
    List<Problem> problems = new ArrayList<>();
    TomlParseResult result;
    try {
      result = Toml.parse(text);
    } catch (RuntimeException | AssertionError e) {
      // tomlj's own failures (asserts, index errors) must not escape as crashes: the text is bad.
      problems.add(Problem.error(file, "", "toml: malformed text the TOML parser cannot read"));
      return new ParsedConf(file, WrittenConf.EMPTY, RegistriesConf.EMPTY, false, problems);
    }
    if (result.hasErrors()) {
      for (TomlParseError e : result.errors()) {
        problems.add(Problem.error(file, "", syntaxMessage(e, text)));
      }
      return new ParsedConf(file, WrittenConf.EMPTY, RegistriesConf.EMPTY, false, problems);
    }
    return parsed(file, new Decoder(file, problems).decode(result), problems);
  }

  private static ParsedConf parsed(String file, WrittenConf written, List<Problem> problems) {
    boolean v1 = written.v1().hasContent() && !written.hasV2Content();
    return new ParsedConf(file, written, toConf(written, v1), v1, problems);
  }

  private static String syntaxMessage(TomlParseError e, String text) {
    int line = e.position().line();
    Matcher m = PREVIOUSLY_DEFINED.matcher(e.getMessage());
    if (m.matches()) {
      String key = tableAt(text, line).map(t -> t + "." + m.group(1)).orElse(m.group(1));
      return "toml: line "
          + line
          + " (last key \""
          + key
          + "\"): Key '"
          + key
          + "' has already been defined.";
    }
    return "toml: line " + line + ": " + e.getMessage();
  }

  /** The table header in force at {@code line}, for messages naming the full key. */
  private static Optional<String> tableAt(String text, int line) {
    String[] lines = text.split("\n", -1);
    for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
      Matcher m = TABLE_HEADER.matcher(lines[i]);
      if (m.matches()) {
        return Optional.of(m.group(1).replace(" ", ""));
      }
    }
    return Optional.empty();
  }

  /** containers/image's meaning of a file: v1 converted, locations and prefixes trimmed. */
  static RegistriesConf toConf(WrittenConf w, boolean v1) {
    if (v1) {
      return v1ToConf(w.v1());
    }
    List<Registry> registries = new ArrayList<>();
    for (WrittenRegistry r : w.registries()) {
      List<Mirror> mirrors = new ArrayList<>();
      for (WrittenMirror m : r.mirrors()) {
        mirrors.add(
            new Mirror(
                trimLocation(m.location()),
                m.insecure(),
                PullFromMirror.fromToml(m.pullFromMirror()).orElse(PullFromMirror.ALL)));
      }
      registries.add(
          new Registry(
              trimLocation(r.prefix()),
              trimLocation(r.location()),
              r.insecure(),
              r.blocked(),
              r.mirrorByDigestOnly(),
              mirrors));
    }
    return new RegistriesConf(
        w.unqualifiedSearchRegistries()
            .map(l -> l.stream().map(RegistriesToml::trimLocation).toList()),
        w.shortNameMode(),
        w.credentialHelpers(),
        w.aliases(),
        registries);
  }

  /** Blocked entries first, then insecure ones, each distinct location once, as upstream. */
  private static RegistriesConf v1ToConf(V1 v1) {
    Map<String, boolean[]> flags = new LinkedHashMap<>();
    for (String entry : v1.block().orElse(List.of())) {
      flags.computeIfAbsent(trimLocation(entry), k -> new boolean[2])[1] = true;
    }
    for (String entry : v1.insecure().orElse(List.of())) {
      flags.computeIfAbsent(trimLocation(entry), k -> new boolean[2])[0] = true;
    }
    List<Registry> registries = new ArrayList<>();
    flags.forEach(
        (location, f) ->
            registries.add(new Registry(location, location, f[0], f[1], false, List.of())));
    return new RegistriesConf(
        v1.search().map(l -> l.stream().map(RegistriesToml::trimLocation).toList()),
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        registries);
  }

  /** containers/image trims trailing slashes from every location-like value. */
  static String trimLocation(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * Renders {@code conf} as stable TOML: {@code headerComments} as {@code # } lines, top-level
   * keys, sorted aliases, then registries in order. False booleans, empty prefix/location and
   * {@code pull-from-mirror = "all"} are omitted; {@code parse(write(c)).conf()} equals {@code c}.
   */
  public static String write(RegistriesConf conf, List<String> headerComments) {
    StringBuilder out = new StringBuilder();
    for (String comment : headerComments) {
      for (String line : comment.split("\n", -1)) {
        out.append(line.isEmpty() ? "#" : "# " + line).append('\n');
      }
    }
    int bodyStart = out.length();
    conf.unqualifiedSearchRegistries()
        .ifPresent(
            l -> out.append("unqualified-search-registries = ").append(array(l)).append('\n'));
    conf.shortNameMode()
        .ifPresent(s -> out.append("short-name-mode = ").append(quote(s)).append('\n'));
    conf.credentialHelpers()
        .ifPresent(l -> out.append("credential-helpers = ").append(array(l)).append('\n'));
    if (!conf.aliases().isEmpty()) {
      out.append("\n[aliases]\n");
      new TreeMap<>(conf.aliases())
          .forEach((k, v) -> out.append(quote(k)).append(" = ").append(quote(v)).append('\n'));
    }
    for (Registry r : conf.registries()) {
      out.append("\n[[registry]]\n");
      if (!r.prefix().isEmpty()) {
        out.append("prefix = ").append(quote(r.prefix())).append('\n');
      }
      if (!r.location().isEmpty()) {
        out.append("location = ").append(quote(r.location())).append('\n');
      }
      flag(out, "insecure", r.insecure());
      flag(out, "blocked", r.blocked());
      flag(out, "mirror-by-digest-only", r.mirrorByDigestOnly());
      for (Mirror m : r.mirrors()) {
        out.append("\n[[registry.mirror]]\n");
        out.append("location = ").append(quote(m.location())).append('\n');
        flag(out, "insecure", m.insecure());
        if (m.pullFromMirror() != PullFromMirror.ALL) {
          out.append("pull-from-mirror = ")
              .append(quote(m.pullFromMirror().tomlValue()))
              .append('\n');
        }
      }
    }
    // One blank line between the header and the body, none at the top of a file without one.
    boolean bodyOpensWithBlank = out.length() > bodyStart && out.charAt(bodyStart) == '\n';
    if (bodyStart == 0 && bodyOpensWithBlank) {
      out.deleteCharAt(0);
    } else if (bodyStart > 0 && !bodyOpensWithBlank) {
      out.insert(bodyStart, '\n');
    }
    return out.toString();
  }

  private static void flag(StringBuilder out, String key, boolean value) {
    if (value) {
      out.append(key).append(" = true\n");
    }
  }

  private static String array(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
    }
    return b.append(']').toString();
  }

  /** A TOML basic string with every character that needs it escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\t' -> b.append("\\t");
        case '\n' -> b.append("\\n");
        case '\f' -> b.append("\\f");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\u%04X", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** Walks the TOML tree with the schema, collecting type errors and unknown-key warnings. */
  private static final class Decoder {
    private final String file;
    private final List<Problem> problems;

    Decoder(String file, List<Problem> problems) {
      this.file = file;
      this.problems = problems;
    }

    WrittenConf decode(TomlTable root) {
      for (String key : root.keySet()) {
        switch (key) {
          case "unqualified-search-registries",
              "short-name-mode",
              "credential-helpers",
              "aliases",
              "registry",
              "registries" -> {}
          case "additional-layer-store-auth-helper" ->
              problems.add(
                  Problem.warning(
                      file,
                      key,
                      "only newer containers/image reads this key (v5.23.1 ignores it); ccd does"
                          + " not model it and drops it when rendering"));
          default -> unknown(key);
        }
      }
      Map<String, String> aliases = new LinkedHashMap<>();
      table(root, "aliases", "aliases")
          .ifPresent(
              t -> {
                for (String name : t.keySet()) {
                  string(t, name, "aliases." + name, "aliases." + quoteKey(name))
                      .ifPresent(v -> aliases.put(name, v));
                }
              });
      List<WrittenRegistry> registries = new ArrayList<>();
      List<TomlTable> tables = tables(root, "registry", "registry");
      for (int i = 0; i < tables.size(); i++) {
        registries.add(registry(tables.get(i), "registry[" + i + "]"));
      }
      return new WrittenConf(
          strings(root, "unqualified-search-registries", "unqualified-search-registries"),
          string(root, "short-name-mode", "short-name-mode", "short-name-mode"),
          strings(root, "credential-helpers", "credential-helpers"),
          string(
              root,
              "additional-layer-store-auth-helper",
              "additional-layer-store-auth-helper",
              "additional-layer-store-auth-helper"),
          aliases,
          registries,
          v1(root));
    }

    private WrittenRegistry registry(TomlTable t, String path) {
      for (String key : t.keySet()) {
        switch (key) {
          case "prefix",
              "location",
              "insecure",
              "blocked",
              "mirror-by-digest-only",
              "pull-from-mirror",
              "mirror" -> {}
          default -> unknown(path + "." + key);
        }
      }
      List<WrittenMirror> mirrors = new ArrayList<>();
      List<TomlTable> tables = tables(t, "mirror", path + ".mirror");
      for (int i = 0; i < tables.size(); i++) {
        mirrors.add(mirror(tables.get(i), path + ".mirror[" + i + "]"));
      }
      return new WrittenRegistry(
          string(t, "prefix", path + ".prefix", "registry.prefix").orElse(""),
          string(t, "location", path + ".location", "registry.location").orElse(""),
          bool(t, "insecure", path + ".insecure", "registry.insecure"),
          bool(t, "blocked", path + ".blocked", "registry.blocked"),
          bool(
              t,
              "mirror-by-digest-only",
              path + ".mirror-by-digest-only",
              "registry.mirror-by-digest-only"),
          string(t, "pull-from-mirror", path + ".pull-from-mirror", "registry.pull-from-mirror")
              .orElse(""),
          mirrors);
    }

    private WrittenMirror mirror(TomlTable t, String path) {
      for (String key : t.keySet()) {
        switch (key) {
          case "location", "insecure", "pull-from-mirror" -> {}
          default -> unknown(path + "." + key);
        }
      }
      return new WrittenMirror(
          string(t, "location", path + ".location", "registry.mirror.location").orElse(""),
          bool(t, "insecure", path + ".insecure", "registry.mirror.insecure"),
          string(
                  t,
                  "pull-from-mirror",
                  path + ".pull-from-mirror",
                  "registry.mirror.pull-from-mirror")
              .orElse(""));
    }

    private V1 v1(TomlTable root) {
      Optional<TomlTable> registries = table(root, "registries", "registries");
      if (registries.isEmpty()) {
        return V1.ABSENT;
      }
      TomlTable t = registries.get();
      for (String key : t.keySet()) {
        if (!List.of("search", "insecure", "block").contains(key)) {
          unknown("registries." + key);
        }
      }
      return new V1(v1List(t, "search"), v1List(t, "insecure"), v1List(t, "block"));
    }

    private Optional<List<String>> v1List(TomlTable registries, String name) {
      Optional<TomlTable> t = table(registries, name, "registries." + name);
      t.ifPresent(
          table -> {
            for (String key : table.keySet()) {
              if (!key.equals("registries")) {
                unknown("registries." + name + "." + key);
              }
            }
          });
      return t.flatMap(table -> strings(table, "registries", "registries." + name + ".registries"));
    }

    private void unknown(String path) {
      problems.add(
          Problem.warning(
              file, path, "unknown key, ignored by containers/image (is it misspelt?)"));
    }

    private Optional<String> string(TomlTable t, String key, String path, String goKey) {
      Object v = t.get(List.of(key));
      if (v == null) {
        return Optional.empty();
      }
      if (v instanceof String s) {
        return Optional.of(s);
      }
      typeError(t, key, path, goKey, v, "string");
      return Optional.empty();
    }

    private boolean bool(TomlTable t, String key, String path, String goKey) {
      Object v = t.get(List.of(key));
      if (v == null) {
        return false;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      typeError(t, key, path, goKey, v, "boolean");
      return false;
    }

    private Optional<List<String>> strings(TomlTable t, String key, String path) {
      Object v = t.get(List.of(key));
      if (v == null) {
        return Optional.empty();
      }
      if (!(v instanceof TomlArray a)) {
        typeError(t, key, path, path, v, "slice");
        return Optional.empty();
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        Object e = a.get(i);
        if (e instanceof String s) {
          out.add(s);
        } else {
          elementTypeError(a, i, path, "string");
        }
      }
      return Optional.of(out);
    }

    private void elementTypeError(TomlArray a, int i, String path, String wanted) {
      problems.add(
          Problem.error(
              file,
              path + "[" + i + "]",
              "toml: line "
                  + a.inputPositionOf(i).line()
                  + " (last key \""
                  + path
                  + "\"): incompatible types: TOML value has type "
                  + tomlType(a.get(i))
                  + "; destination has type "
                  + wanted));
    }

    private Optional<TomlTable> table(TomlTable t, String key, String path) {
      Object v = t.get(List.of(key));
      if (v == null) {
        return Optional.empty();
      }
      if (v instanceof TomlTable table) {
        return Optional.of(table);
      }
      typeError(t, key, path, path, v, "table");
      return Optional.empty();
    }

    private List<TomlTable> tables(TomlTable t, String key, String path) {
      Object v = t.get(List.of(key));
      if (v == null) {
        return List.of();
      }
      if (v instanceof TomlArray a) {
        List<TomlTable> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
          if (a.get(i) instanceof TomlTable table) {
            out.add(table);
          } else {
            elementTypeError(a, i, path, "table");
          }
        }
        return out;
      }
      typeError(t, key, path, path, v, "array of tables");
      return List.of();
    }

    private void typeError(
        TomlTable t, String key, String path, String goKey, Object value, String destination) {
      TomlPosition pos = t.inputPositionOf(List.of(key));
      String line = pos == null ? "" : " line " + pos.line();
      problems.add(
          Problem.error(
              file,
              path,
              "toml:"
                  + line
                  + " (last key \""
                  + goKey
                  + "\"): incompatible types: TOML value has type "
                  + tomlType(value)
                  + "; destination has type "
                  + destination));
    }

    /** The Go type BurntSushi/toml decoded the value into ({@code %T}), as its message shows. */
    private static String tomlType(Object v) {
      if (v instanceof String) {
        return "string";
      } else if (v instanceof Long) {
        return "int64";
      } else if (v instanceof Double) {
        return "float64";
      } else if (v instanceof Boolean) {
        return "bool";
      } else if (v instanceof TomlArray) {
        return "[]interface {}";
      } else if (v instanceof TomlTable) {
        return "map[string]interface {}";
      }
      return "time.Time";
    }

    private static String quoteKey(String key) {
      return key.matches("[A-Za-z0-9_-]+") ? key : quote(key);
    }
  }
}
