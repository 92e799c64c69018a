package dev.ccd.registries;

import dev.ccd.registries.WrittenConf.V1;
import dev.ccd.registries.WrittenConf.WrittenMirror;
import dev.ccd.registries.WrittenConf.WrittenRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules containers/image applies when it loads one registries.conf file, in its order and with
 * its messages (so the first error is the one CRI-O would report), plus warnings for what loads
 * fine but fails or surprises at pull time.
 */
public final class Validator {
  private Validator() {}

  private static final Set<String> SHORT_NAME_MODES = Set.of("enforcing", "permissive", "disabled");

  /** All problems of a main registries.conf: decoding ones first, then the rules in order. */
  public static List<Problem> validate(ParsedConf parsed) {
    return run(parsed, false);
  }

  /** As {@link #validate}, for a file in registries.conf.d (which must be v2). */
  public static List<Problem> validateDropIn(ParsedConf parsed) {
    return run(parsed, true);
  }

  /** The errors only. */
  public static List<Problem> errors(List<Problem> problems) {
    return problems.stream().filter(Problem::isError).toList();
  }

  private static List<Problem> run(ParsedConf parsed, boolean dropIn) {
    List<Problem> out = new ArrayList<>(parsed.problems());
    if (parsed.hasDecodeErrors()) {
      return out; // containers/image stops at a TOML error; nothing below would be meaningful
    }
    new Rules(parsed.file(), parsed.written(), out).check(dropIn);
    return out;
  }

  private static final class Rules {
    private final String file;
    private final WrittenConf w;
    private final List<Problem> out;

    Rules(String file, WrittenConf w, List<Problem> out) {
      this.file = file;
      this.w = w;
      this.out = out;
    }

    void check(boolean dropIn) {
      V1 v1 = w.v1();
      if (v1.hasContent()) {
        if (dropIn) {
          error("registries", "registry must be in v2 format but is in v1");
          return;
        }
        if (w.hasV2Content()) {
          error("registries", "mixing sysregistry v1/v2 is not supported");
          return;
        }
        checkV1(v1);
        return;
      }
      if (v1.hasKeys()) {
        out.add(
            Problem.warning(
                file,
                "registries",
                "empty v1 [registries.*] lists: ignored by containers/image v5.23.1, but newer"
                    + " versions treat them as v1 content and reject the file ("
                    + (dropIn
                        ? "registry must be in v2 format but is in v1"
                        : "mixing sysregistry v1/v2 is not supported")
                    + "); remove them"));
      }
      checkV2();
    }

    private void checkV1(V1 v1) {
      for (String entry : v1.block().orElse(List.of())) {
        scheme("registries.block.registries", entry);
      }
      for (String entry : v1.insecure().orElse(List.of())) {
        scheme("registries.insecure.registries", entry);
      }
      searchEntries("registries.search.registries", v1.search());
    }

    private void checkV2() {
      List<WrittenRegistry> regs = w.registries();
      List<String> prefixes = new ArrayList<>();
      for (int i = 0; i < regs.size(); i++) {
        prefixes.add(registryRules(i, regs.get(i)));
      }
      conflicts(regs);
      searchEntries("unqualified-search-registries", w.unqualifiedSearchRegistries());
      Map<String, Integer> firstByPrefix = new TreeMap<>();
      for (int i = 0; i < regs.size(); i++) {
        Integer first = firstByPrefix.putIfAbsent(prefixes.get(i), i);
        if (first != null) {
          out.add(
              Problem.warning(
                  file,
                  field(i),
                  "prefix \""
                      + prefixes.get(i)
                      + "\" is defined again (first at registry["
                      + first
                      + "]); containers/image uses only the first entry and ignores this one"));
        }
      }
      w.shortNameMode()
          .filter(m -> !m.isEmpty() && !SHORT_NAME_MODES.contains(m))
          .ifPresent(m -> error("short-name-mode", "invalid short-name mode: " + goQuote(m)));
      // Upstream checks wildcard formats on the de-duplicated, prefix-sorted list.
      firstByPrefix.forEach(
          (prefix, i) -> {
            if (prefix.startsWith("*.")
                && (prefix.contains("/") || prefix.contains("@") || prefix.contains(":"))) {
              error(
                  field(i) + ".prefix",
                  "Wildcarded prefix should be in the format: *.example.com. Current prefix "
                      + goQuote(prefix)
                      + " is incorrectly formatted");
            }
          });
      aliases();
      for (int i = 0; i < regs.size(); i++) {
        resolveWarnings(i, regs.get(i));
      }
    }

    /** Checks one registry and returns its effective prefix. */
    private String registryRules(int i, WrittenRegistry r) {
      String field = field(i);
      String location = RegistriesToml.trimLocation(r.location());
      scheme(field + ".location", r.location());
      String prefix;
      if (r.prefix().isEmpty()) {
        if (location.isEmpty()) {
          error(field, "invalid condition: both location and prefix are unset");
        }
        prefix = location;
      } else {
        prefix = RegistriesToml.trimLocation(r.prefix());
        scheme(field + ".prefix", r.prefix());
        if (!prefix.startsWith("*.") && location.isEmpty()) {
          error(
              field + ".location",
              "invalid condition: location is unset and prefix is not in the format:"
                  + " *.example.com");
        }
      }
      if (!r.pullFromMirror().isEmpty()) {
        error(
            field + ".pull-from-mirror",
            "pull-from-mirror must not be set for a non-mirror registry " + goQuote(prefix));
      }
      for (int j = 0; j < r.mirrors().size(); j++) {
        WrittenMirror m = r.mirrors().get(j);
        String mf = field + ".mirror[" + j + "]";
        String mirrorLocation = RegistriesToml.trimLocation(m.location());
        scheme(mf + ".location", m.location());
        if (mirrorLocation.isEmpty()) {
          error(mf + ".location", "invalid condition: mirror location is unset");
        }
        if (r.mirrorByDigestOnly() && !m.pullFromMirror().isEmpty()) {
          error(
              mf + ".pull-from-mirror",
              "cannot set mirror usage mirror-by-digest-only for the registry ("
                  + goQuote(prefix)
                  + ") and pull-from-mirror for per-mirror ("
                  + goQuote(mirrorLocation)
                  + ") at the same time");
        }
        if (PullFromMirror.fromToml(m.pullFromMirror()).isEmpty()) {
          error(
              mf + ".pull-from-mirror",
              "unsupported pull-from-mirror value "
                  + goQuote(m.pullFromMirror())
                  + " for mirror "
                  + goQuote(mirrorLocation));
        }
      }
      return prefix;
    }

    /** Entries sharing a location (or wildcard prefix) must agree on insecure and blocked. */
    private void conflicts(List<WrittenRegistry> regs) {
      Map<String, List<Integer>> groups = new LinkedHashMap<>();
      for (int i = 0; i < regs.size(); i++) {
        groups.computeIfAbsent(groupKey(regs.get(i)), k -> new ArrayList<>()).add(i);
      }
      Set<String> reported = new HashSet<>();
      for (int i = 0; i < regs.size(); i++) {
        WrittenRegistry r = regs.get(i);
        String key = groupKey(r);
        if (reported.contains(key)) {
          continue;
        }
        String location = RegistriesToml.trimLocation(r.location());
        for (int other : groups.get(key)) {
          WrittenRegistry o = regs.get(other);
          String setting =
              r.insecure() != o.insecure()
                  ? "insecure"
                  : r.blocked() != o.blocked() ? "blocked" : null;
          if (setting != null) {
            reported.add(key);
            error(
                field(i) + "." + setting,
                "registry '"
                    + location
                    + "' is defined multiple times with conflicting '"
                    + setting
                    + "' setting");
            break;
          }
        }
      }
    }

    private static String groupKey(WrittenRegistry r) {
      String location = RegistriesToml.trimLocation(r.location());
      return location.isEmpty() ? RegistriesToml.trimLocation(r.prefix()) : location;
    }

    private void searchEntries(String key, Optional<List<String>> entries) {
      List<String> list = entries.orElse(List.of());
      for (int i = 0; i < list.size(); i++) {
        String entry = list.get(i);
        if (!scheme(key + "[" + i + "]", entry)) {
          continue;
        }
        String trimmed = RegistriesToml.trimLocation(entry);
        if (!ImageReference.DOMAIN.matcher(trimmed).matches()) {
          error(
              key + "[" + i + "]",
              "Invalid unqualified-search-registries entry " + goQuote(trimmed));
        }
      }
    }

    private void aliases() {
      for (Map.Entry<String, String> e : w.aliases().entrySet()) {
        String field = "aliases." + RegistriesToml.quote(e.getKey());
        shortNameProblem(e.getKey())
            .ifPresent(m -> error(field, "validating short-name aliases: " + m));
        if (!e.getValue().isEmpty()) {
          aliasValueProblem(e.getValue())
              .ifPresent(m -> error(field, "validating short-name aliases: " + m));
        }
      }
    }

    private static Optional<String> shortNameProblem(String name) {
      ImageReference ref;
      try {
        ref = ImageReference.parse(name);
      } catch (ImageReference.InvalidReferenceException e) {
        return Optional.of("cannot parse short name: " + goQuote(name) + ": " + e.getMessage());
      }
      if (ref.isDigested()) {
        return Optional.of("invalid short name " + goQuote(name) + ": must not contain digest");
      }
      if (ref.tag().isPresent()) {
        return Optional.of("invalid short name " + goQuote(name) + ": must not contain tag");
      }
      if (hasRegistry(ref.domain())) {
        return Optional.of("invalid short name " + goQuote(name) + ": must not contain registry");
      }
      return Optional.empty();
    }

    private static Optional<String> aliasValueProblem(String value) {
      ImageReference ref;
      try {
        ref = ImageReference.parse(value);
      } catch (ImageReference.InvalidReferenceException e) {
        return Optional.of("parsing alias " + goQuote(value) + ": " + e.getMessage());
      }
      if (ref.isDigested()) {
        return Optional.of("invalid alias " + goQuote(value) + ": must not contain digest");
      }
      if (ref.tag().isPresent()) {
        return Optional.of("invalid alias " + goQuote(value) + ": must not contain tag");
      }
      if (!hasRegistry(ref.domain())) {
        return Optional.of(
            "invalid alias " + goQuote(value) + ": must contain registry and repository");
      }
      try {
        ImageReference.parseNormalized(value);
      } catch (ImageReference.InvalidReferenceException e) {
        return Optional.of(e.getMessage());
      }
      return Optional.empty();
    }

    private static boolean hasRegistry(String domain) {
      return domain.contains(".") || domain.contains(":") || domain.equals("localhost");
    }

    /** Warnings for what loads fine but fails or surprises when a reference is resolved. */
    private void resolveWarnings(int i, WrittenRegistry r) {
      String field = field(i);
      String prefix = RegistriesToml.trimLocation(r.prefix().isEmpty() ? r.location() : r.prefix());
      String location = RegistriesToml.trimLocation(r.location());
      trailingSlash(field + ".prefix", r.prefix());
      trailingSlash(field + ".location", r.location());
      rewriteTarget(field + ".location", location);
      for (int j = 0; j < r.mirrors().size(); j++) {
        String raw = r.mirrors().get(j).location();
        String mf = field + ".mirror[" + j + "].location";
        if (raw.endsWith("/")) {
          out.add(
              Problem.warning(
                  file,
                  mf,
                  "mirror location "
                      + goQuote(raw)
                      + " ends with '/': containers/image before v5.24 keeps the slash and every"
                      + " pull through this mirror fails with 'rewriting reference: invalid"
                      + " reference format'; newer versions (and ccd) trim it. Remove the slash"));
        }
        rewriteTarget(mf, RegistriesToml.trimLocation(raw));
      }
      boolean hostOnly =
          !prefix.startsWith("*.")
              && !prefix.isEmpty()
              && !prefix.contains("/")
              && !prefix.contains(":")
              && !prefix.contains("@");
      if (hostOnly && (!r.mirrors().isEmpty() || !location.equals(prefix))) {
        out.add(
            Problem.warning(
                file,
                field + ".prefix",
                "prefix \""
                    + prefix
                    + "\" also matches references to \""
                    + prefix
                    + ":PORT/...\" (a containers/image quirk); those pulls fail with 'rewriting"
                    + " reference: invalid reference format'. Add a separate [[registry]] for"
                    + " \""
                    + prefix
                    + ":PORT\" if such references are used"));
      }
    }

    private void trailingSlash(String field, String raw) {
      if (raw.endsWith("/")) {
        out.add(
            Problem.warning(
                file, field, goQuote(raw) + " ends with '/', which containers/image trims"));
      }
    }

    /** A location that cannot start a valid reference makes every rewrite through it fail. */
    private void rewriteTarget(String field, String location) {
      if (location.isEmpty() || location.startsWith("http://") || location.startsWith("https://")) {
        return;
      }
      String probe = location + "/image:tag";
      try {
        ImageReference.parseCanonical(probe);
      } catch (ImageReference.InvalidReferenceException e) {
        out.add(
            Problem.warning(
                file,
                field,
                goQuote(location)
                    + " cannot be the start of an image reference ("
                    + e.getMessage()
                    + "); pulls through it fail with 'rewriting reference: "
                    + e.getMessage()
                    + "'"));
      }
    }

    /** Checks the URI-scheme rule; true when the value passed. */
    private boolean scheme(String field, String value) {
      String trimmed = RegistriesToml.trimLocation(value);
      if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
        error(field, "invalid location '" + value + "': URI schemes are not supported");
        return false;
      }
      return true;
    }

    private String field(int i) {
      WrittenRegistry r = w.registries().get(i);
      String prefix = RegistriesToml.trimLocation(r.prefix());
      String location = RegistriesToml.trimLocation(r.location());
      if (!prefix.isEmpty()) {
        return "registry[prefix=" + goQuote(prefix) + "]";
      }
      if (!location.isEmpty()) {
        return "registry[prefix=" + goQuote(location) + "]";
      }
      return "registry[" + i + "]";
    }

    private void error(String field, String message) {
      out.add(Problem.error(file, field, message));
    }
  }

  /** Go's {@code %q} for the plain strings found in these files. */
  public static String goQuote(String s) {
    if (plain(s)) {
      return "\"" + s + "\""; // nearly every value: no copy character by character
    }
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  /** True when {@link #goQuote} has nothing to escape in {@code s}. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
