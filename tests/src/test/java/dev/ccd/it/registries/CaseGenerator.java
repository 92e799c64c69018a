package dev.ccd.it.registries;

import dev.ccd.it.registries.GeneratedCase.GenFile;
import dev.ccd.it.registries.GeneratedCase.GenMirror;
import dev.ccd.it.registries.GeneratedCase.GenRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Draws registries.conf cases aimed at the interesting rules: prefix kinds, rewritten locations,
 * blocked/insecure, mirror eligibility, nesting, drop-ins, tags vs digests, docker.io short names,
 * and every validation rule. Everything a case points at is either a 127.0.0.1/localhost port in
 * 1..{@value #MAX_PORT} or an external name that the harness makes sure is blocked.
 */
final class CaseGenerator {
  static final int MAX_PORT = 9;
  static final String DIGEST = "sha256:" + "a".repeat(64);

  /** The validation rules of the reference (one is injected into some cases). */
  enum Rule {
    LOCATION_SCHEME,
    PREFIX_SCHEME,
    MIRROR_SCHEME,
    BOTH_UNSET,
    NONWILDCARD_EMPTY_LOCATION,
    PULL_FROM_MIRROR_ON_REGISTRY,
    MIRROR_LOCATION_UNSET,
    DIGEST_ONLY_AND_PULL_FROM_MIRROR,
    PULL_FROM_MIRROR_VALUE,
    CONFLICT_INSECURE,
    CONFLICT_BLOCKED,
    SEARCH_ENTRY_PATH,
    SHORT_NAME_MODE,
    WILDCARD_FORMAT,
    ALIAS,
    MIX_V1_V2,
    V1_DROP_IN,
    TOML_SYNTAX,
    TOML_TYPE,
    TOML_DUPLICATE_KEY,
    // valid oddities
    UNKNOWN_KEYS,
    EMPTY_V1_LIST_WITH_V2,
    V1_MAIN_FILE
  }

  private static final String[] HOSTS = {
    "example.com",
    "a.example.com",
    "b.a.example.com",
    "example.com:5000",
    "other.org",
    "docker.io",
    "quay.io",
    "localhost:7",
    "127.0.0.1:8"
  };
  private static final String[] PATHS = {"", "", "/foo", "/foo/bar", "/library", "/foo/bar/baz"};
  private static final String[] WILDCARDS = {"*.example.com", "*.a.example.com", "*.org"};
  private static final String[] SHORT_NAMES = {
    "busybox", "alpine:3", "library/alpine:3", "user/app", "user/app@" + DIGEST
  };

  private final Random random;

  CaseGenerator(long seed) {
    this.random = new Random(seed);
  }

  /** Per-file drafting state. */
  private static final class Draft {
    final String name;
    final List<String> topLines = new ArrayList<>();
    final List<GenRegistry> registries = new ArrayList<>();
    String trailer = "";
    String wholeText; // set when the file is not rendered from the model (v1 files)

    Draft(String name) {
      this.name = name;
    }

    String text() {
      if (wholeText != null) {
        return wholeText;
      }
      return GeneratedCase.render(topLines, registries) + trailer;
    }
  }

  GeneratedCase next(int index) {
    Draft main = new Draft("registries.conf");
    int registryCount = 1 + random.nextInt(4);
    for (int i = 0; i < registryCount; i++) {
      main.registries.add(registry());
    }
    List<Draft> dropIns = new ArrayList<>();
    int dropInCount = random.nextInt(10) < 3 ? 1 + random.nextInt(2) : 0;
    for (int d = 0; d < dropInCount; d++) {
      Draft dropIn = new Draft(dropInName(d));
      int n = 1 + random.nextInt(2);
      for (int i = 0; i < n; i++) {
        // Often the same prefix as a main entry, to exercise whole-entry replacement.
        if (random.nextBoolean()) {
          GenRegistry base = main.registries.get(random.nextInt(main.registries.size()));
          GenRegistry fresh = registry();
          dropIn.registries.add(
              new GenRegistry(
                  base.prefix(),
                  base.location(),
                  fresh.insecure(),
                  fresh.blocked(),
                  fresh.mirrorByDigestOnly(),
                  Optional.empty(),
                  fresh.mirrors()));
        } else {
          dropIn.registries.add(registry());
        }
      }
      dropIns.add(dropIn);
    }
    if (random.nextInt(20) == 0) {
      // a name containers/image ignores, with content that would change the result
      Draft ignored = new Draft(random.nextBoolean() ? "15-ignored.conf.bak" : "16-ignored.txt");
      ignored.registries.add(registry());
      dropIns.add(ignored);
    }
    if (random.nextInt(10) == 0) {
      // the same prefix twice in one file: the first wins
      GenRegistry first = main.registries.get(0);
      GenRegistry other = registry();
      main.registries.add(
          new GenRegistry(
              first.prefix(),
              first.location(),
              first.insecure(),
              first.blocked(),
              false,
              Optional.empty(),
              other.mirrors()));
    }
    Optional<Rule> rule = Optional.empty();
    if (index % 4 == 0) {
      // round robin, so that every rule is drawn whatever the seed (with 600 cases: 6 or 7 each)
      Rule[] rules = Rule.values();
      rule = Optional.of(rules[(index / 4) % rules.length]);
      Draft target =
          dropIns.isEmpty() || random.nextBoolean()
              ? main
              : dropIns.get(random.nextInt(dropIns.size()));
      if (target.name.endsWith(".bak") || target.name.endsWith(".txt")) {
        target = main;
      }
      inject(rule.get(), target, main, dropIns);
    }
    String image = image(main, dropIns);
    if (random.nextInt(25) == 0 && main.wholeText == null) {
      // containers/image's acknowledged quirk: prefix "example.com" also matches
      // "example.com:5000/...", and rewriting through a mirror then yields an invalid reference
      main.registries.add(
          0,
          withMirror(
              blockedExact("example.com"),
              new GenMirror(Optional.of("127.0.0.1:" + port() + "/q"), false, Optional.empty())));
      image = "example.com:5000/foo:" + (random.nextBoolean() ? "1" : "latest");
    }
    Map<String, String> dropInTexts = new LinkedHashMap<>();
    dropIns.forEach(d -> dropInTexts.put(d.name, d.text()));
    List<GenFile> model = new ArrayList<>();
    model.add(new GenFile(main.name, List.copyOf(main.registries)));
    dropIns.forEach(d -> model.add(new GenFile(d.name, List.copyOf(d.registries))));
    return new GeneratedCase(index, main.text(), dropInTexts, image, model, rule.map(Enum::name));
  }

  private String dropInName(int d) {
    return switch (random.nextInt(3)) {
      case 0 -> (10 + d * 10) + "-x.conf";
      case 1 -> (d == 0 ? "9-z.conf" : "10-a.conf"); // byte order, not numeric
      default -> (50 + d) + "-y.conf";
    };
  }

  private int port() {
    return 1 + random.nextInt(MAX_PORT);
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private String localLocation() {
    return switch (random.nextInt(4)) {
      case 0 -> "localhost:" + port() + "/l" + random.nextInt(3);
      case 1 -> "127.0.0.1:" + port();
      default -> "127.0.0.1:" + port() + "/loc" + random.nextInt(3);
    };
  }

  private GenRegistry registry() {
    Optional<String> prefix;
    Optional<String> location;
    int kind = random.nextInt(10);
    if (kind < 2) {
      prefix = Optional.of(pick(WILDCARDS));
      location = random.nextInt(10) < 6 ? Optional.empty() : Optional.of(localLocation());
    } else {
      String p = pick(HOSTS) + pick(PATHS);
      int loc = random.nextInt(10);
      if (loc < 2) {
        prefix = Optional.empty(); // location only: prefix defaults to it
        location = Optional.of(p);
      } else if (loc < 5) {
        prefix = Optional.of(p);
        location = Optional.of(p);
      } else if (loc < 9) {
        prefix = Optional.of(p);
        location = Optional.of(localLocation());
      } else {
        prefix = Optional.of(p);
        location = Optional.of("other.org/elsewhere");
      }
      if (random.nextInt(15) == 0) {
        prefix = prefix.map(s -> s + "/"); // trailing slash, trimmed
      }
    }
    boolean blocked = random.nextInt(10) < 6;
    boolean insecure = random.nextInt(10) < 2;
    boolean byDigest = random.nextInt(100) < 15;
    List<GenMirror> mirrors = new ArrayList<>();
    int mirrorCount = random.nextInt(4);
    for (int i = 0; i < mirrorCount; i++) {
      mirrors.add(mirror(i, byDigest));
    }
    return new GenRegistry(
        prefix, location, insecure, blocked, byDigest, Optional.empty(), List.copyOf(mirrors));
  }

  private GenMirror mirror(int i, boolean byDigest) {
    int kind = random.nextInt(100);
    String location;
    if (kind < 65) {
      location = "127.0.0.1:" + port() + "/m" + i;
    } else if (kind < 78) {
      location = "localhost:" + port() + "/m" + i;
    } else if (kind < 86) {
      location = "127.0.0.1:" + port();
    } else if (kind < 95) {
      location = "blocked.example.org/m" + i; // under a blocked registry, or made so
    } else {
      location = "127.0.0.1:" + port() + "/m" + i + "/"; // trailing slash: a version difference
    }
    Optional<String> pfm = Optional.empty();
    if (!byDigest) {
      int p = random.nextInt(100);
      if (p < 15) {
        pfm = Optional.of("all");
      } else if (p < 37) {
        pfm = Optional.of("digest-only");
      } else if (p < 59) {
        pfm = Optional.of("tag-only");
      } else if (p < 63) {
        pfm = Optional.of("");
      }
    }
    return new GenMirror(Optional.of(location), random.nextInt(10) < 2, pfm);
  }

  /** An image aimed at the configured prefixes (or a short name, localhost, a port quirk). */
  private String image(Draft main, List<Draft> dropIns) {
    int kind = random.nextInt(100);
    String name;
    if (kind < 8) {
      return pick(SHORT_NAMES);
    } else if (kind < 12) {
      name = "localhost:" + port() + "/foo/bar";
    } else if (kind < 16) {
      name = "example.com:5000/foo";
    } else if (kind < 20) {
      name = pick(HOSTS) + pick(PATHS) + "/img";
    } else {
      List<GenRegistry> all = new ArrayList<>(main.registries);
      dropIns.forEach(d -> all.addAll(d.registries));
      if (all.isEmpty()) {
        name = "example.com/img";
      } else {
        String prefix = all.get(random.nextInt(all.size())).effectivePrefix();
        if (prefix.startsWith("*.")) {
          prefix = (random.nextBoolean() ? "a" : "x.y") + prefix.substring(1);
        }
        if (prefix.isEmpty() || prefix.contains("://")) {
          prefix = "example.com";
        }
        String[] suffixes = {"/img", "/img", "/foo", "/foo/bar", "/bar/baz", "bar", "/x/y/z"};
        name = prefix + pick(suffixes);
      }
    }
    int t = random.nextInt(10);
    if (t < 4) {
      return name + ":" + (random.nextBoolean() ? "1" : "latest");
    } else if (t < 5) {
      return name;
    } else {
      return name + "@" + DIGEST;
    }
  }

  private GenRegistry anyRegistry(Draft target) {
    if (target.registries.isEmpty()) {
      target.registries.add(registry());
    }
    return target.registries.get(random.nextInt(target.registries.size()));
  }

  private void replace(Draft target, GenRegistry old, GenRegistry now) {
    target.registries.set(target.registries.indexOf(old), now);
  }

  private void inject(Rule rule, Draft target, Draft main, List<Draft> dropIns) {
    switch (rule) {
      case LOCATION_SCHEME -> {
        GenRegistry r = anyRegistry(target);
        String loc = r.location().filter(s -> !s.isEmpty()).orElse("example.com");
        replace(target, r, withLocation(r, Optional.of("https://" + loc)));
      }
      case PREFIX_SCHEME -> {
        GenRegistry r = anyRegistry(target);
        replace(
            target,
            r,
            new GenRegistry(
                Optional.of("http://example.com"),
                Optional.of("example.com"),
                r.insecure(),
                true,
                r.mirrorByDigestOnly(),
                r.pullFromMirror(),
                r.mirrors()));
      }
      case MIRROR_SCHEME ->
          target.registries.add(
              withMirror(
                  blockedExact("example.com"),
                  new GenMirror(Optional.of("http://127.0.0.1:1/m"), false, Optional.empty())));
      case BOTH_UNSET ->
          target.registries.add(
              new GenRegistry(
                  Optional.empty(),
                  Optional.empty(),
                  false,
                  true,
                  false,
                  Optional.empty(),
                  List.of()));
      case NONWILDCARD_EMPTY_LOCATION ->
          target.registries.add(
              new GenRegistry(
                  Optional.of("example.com/nolocation"),
                  Optional.empty(),
                  false,
                  true,
                  false,
                  Optional.empty(),
                  List.of()));
      case PULL_FROM_MIRROR_ON_REGISTRY -> {
        GenRegistry r = anyRegistry(target);
        replace(
            target,
            r,
            new GenRegistry(
                r.prefix(),
                r.location(),
                r.insecure(),
                r.blocked(),
                r.mirrorByDigestOnly(),
                Optional.of(random.nextBoolean() ? "all" : "digest-only"),
                r.mirrors()));
      }
      case MIRROR_LOCATION_UNSET ->
          target.registries.add(
              withMirror(
                  blockedExact("example.com"),
                  new GenMirror(Optional.empty(), true, Optional.empty())));
      case DIGEST_ONLY_AND_PULL_FROM_MIRROR -> {
        GenRegistry r = blockedExact("example.com/dop");
        target.registries.add(
            new GenRegistry(
                r.prefix(),
                r.location(),
                false,
                true,
                true,
                Optional.empty(),
                List.of(
                    new GenMirror(
                        Optional.of("127.0.0.1:1/m"),
                        false,
                        Optional.of(random.nextBoolean() ? "digest-only" : "all")))));
      }
      case PULL_FROM_MIRROR_VALUE ->
          target.registries.add(
              withMirror(
                  blockedExact("example.com/pfm"),
                  new GenMirror(
                      Optional.of("127.0.0.1:2/m"),
                      false,
                      Optional.of(pick(new String[] {"foo", "Digest-Only", "never"})))));
      case CONFLICT_INSECURE, CONFLICT_BLOCKED -> {
        boolean insecure = rule == Rule.CONFLICT_INSECURE;
        target.registries.add(
            new GenRegistry(
                Optional.of("conflict.example.com/a"),
                Optional.of("conflict.example.com"),
                insecure,
                true,
                false,
                Optional.empty(),
                List.of()));
        target.registries.add(
            new GenRegistry(
                Optional.of("conflict.example.com/b"),
                Optional.of("conflict.example.com"),
                false,
                insecure,
                false,
                Optional.empty(),
                List.of()));
      }
      case SEARCH_ENTRY_PATH ->
          target.topLines.add(
              "unqualified-search-registries=[\"quay.io\", \""
                  + pick(new String[] {"example.com/foo", "https://example.com"})
                  + "\"]");
      case SHORT_NAME_MODE -> target.topLines.add("short-name-mode=\"sometimes\"");
      case WILDCARD_FORMAT ->
          target.registries.add(
              new GenRegistry(
                  Optional.of(pick(new String[] {"*.example.com/foo", "*.example.com:5000"})),
                  Optional.empty(),
                  false,
                  true,
                  false,
                  Optional.empty(),
                  List.of()));
      case ALIAS ->
          target.trailer +=
              "[aliases]\n\"foo\"=\""
                  + pick(new String[] {"bar", "example.com/bar:1", "example.com/bar@" + DIGEST})
                  + "\"\n";
      case MIX_V1_V2 -> target.trailer += "[registries.search]\nregistries=[\"example.com\"]\n";
      case V1_DROP_IN -> {
        Draft v1 = new Draft("40-v1.conf");
        v1.wholeText = "[registries.search]\nregistries=[\"example.com\"]\n";
        dropIns.add(v1);
      }
      case TOML_SYNTAX -> {
        if (random.nextBoolean()) {
          target.wholeText = target.text().replaceFirst("\\[\\[registry\\]\\]", "[[registry]");
        } else {
          target.trailer += "[[registry]]\nprefix=";
        }
      }
      case TOML_TYPE -> {
        String key = pick(new String[] {"insecure=\"yes\"", "blocked=1", "prefix=true"});
        target.registries.add(blockedExact("typed.example.com"));
        target.trailer += "[[registry]]\nlocation=\"typed2.example.com\"\n" + key + "\n";
      }
      case TOML_DUPLICATE_KEY ->
          target.trailer +=
              "[[registry]]\nprefix=\"dup.example.com\"\nlocation=\"dup.example.com\"\n"
                  + "blocked=true\nblocked=false\n";
      case UNKNOWN_KEYS -> {
        target.topLines.add("frobnicate=1");
        target.trailer +=
            "[[registry]]\nprefix=\"unknown.example.com\"\nlocation=\"unknown.example.com\"\n"
                + "blocked=true\ncolour=\"blue\"\n[[registry.mirror]]\nlocation=\"127.0.0.1:3/u\"\n"
                + "weight=3\n";
      }
      case EMPTY_V1_LIST_WITH_V2 -> main.trailer += "[registries.search]\nregistries=[]\n";
      case V1_MAIN_FILE -> {
        main.wholeText =
            "[registries.search]\nregistries=[\"example.com\"]\n"
                + "[registries.block]\nregistries=[\"example.com\", \"other.org\"]\n"
                + "[registries.insecure]\nregistries=[\"127.0.0.1:"
                + port()
                + "\"]\n";
        main.registries.clear();
      }
    }
  }

  private static GenRegistry blockedExact(String host) {
    return new GenRegistry(
        Optional.of(host), Optional.of(host), false, true, false, Optional.empty(), List.of());
  }

  private static GenRegistry withMirror(GenRegistry r, GenMirror m) {
    List<GenMirror> mirrors = new ArrayList<>(r.mirrors());
    mirrors.add(m);
    return new GenRegistry(
        r.prefix(),
        r.location(),
        r.insecure(),
        r.blocked(),
        r.mirrorByDigestOnly(),
        r.pullFromMirror(),
        mirrors);
  }

  private static GenRegistry withLocation(GenRegistry r, Optional<String> location) {
    return new GenRegistry(
        r.prefix(),
        location,
        r.insecure(),
        r.blocked(),
        r.mirrorByDigestOnly(),
        r.pullFromMirror(),
        r.mirrors());
  }
}
