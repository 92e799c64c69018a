package dev.ccd.registries;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random registries.conf content over a small alphabet of hosts, so prefixes collide often. */
final class Generators {
  private Generators() {}

  static final List<String> HOSTS =
      List.of(
          "example.com",
          "a.example.com",
          "b.a.example.com",
          "example.com:5000",
          "localhost:5000",
          "quay.io",
          "docker.io",
          "127.0.0.1:1");
  static final List<String> PATHS = List.of("", "/foo", "/foo/bar", "/foobar", "/library");

  static Arbitrary<String> hostAndPath() {
    return Combinators.combine(Arbitraries.of(HOSTS), Arbitraries.of(PATHS)).as((h, p) -> h + p);
  }

  static Arbitrary<String> prefix() {
    return Arbitraries.oneOf(
        hostAndPath(), hostAndPath(), Arbitraries.of("*.example.com", "*.a.example.com", "*.io"));
  }

  static Arbitrary<Mirror> mirror() {
    return Combinators.combine(
            hostAndPath(), Arbitraries.of(true, false), Arbitraries.of(PullFromMirror.class))
        .as(Mirror::new);
  }

  /**
   * A registry that passes validation: insecure and blocked derive from the location (so equal
   * locations agree), location is empty only for wildcards, and mirror-by-digest-only comes with
   * "all" mirrors only.
   */
  static Arbitrary<Registry> validRegistry() {
    return Combinators.combine(
            prefix(),
            hostAndPath(),
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            mirror().list().ofMaxSize(4))
        .as(
            (prefix, location, emptyLocation, mbdo, mirrors) -> {
              boolean wildcard = prefix.startsWith("*.");
              // emptyLocation on a plain prefix means "location only" (prefix == location).
              String loc = emptyLocation ? (wildcard ? "" : prefix) : location;
              String key = loc.isEmpty() ? prefix : loc;
              boolean blocked = Math.floorMod(key.hashCode(), 3) == 0;
              boolean insecure = Math.floorMod(key.hashCode(), 5) == 0;
              boolean digestOnly =
                  mbdo && mirrors.stream().allMatch(m -> m.pullFromMirror() == PullFromMirror.ALL);
              String writtenPrefix = !wildcard && emptyLocation ? "" : prefix;
              return new Registry(writtenPrefix, loc, insecure, blocked, digestOnly, mirrors);
            });
  }

  static Arbitrary<RegistriesConf> validConf() {
    return validRegistry()
        .list()
        .ofMaxSize(12)
        .map(
            rs ->
                new RegistriesConf(
                    Optional.empty(), Optional.empty(), Optional.empty(), java.util.Map.of(), rs));
  }

  static Arbitrary<String> image() {
    return Combinators.combine(
            hostAndPath(),
            Arbitraries.of("img", "x/y", "bar"),
            Arbitraries.of(":1", ":latest", "@sha256:" + "a".repeat(64)))
        .as((hp, name, suffix) -> hp + "/" + name + suffix);
  }
}
