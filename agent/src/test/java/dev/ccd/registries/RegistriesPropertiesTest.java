package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** Properties of the codec, the index and the explanation over random configurations. */
class RegistriesPropertiesTest {

  @Provide
  Arbitrary<RegistriesConf> anyConf() {
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12); // quotes, backslashes, controls
    Arbitrary<String> noTrailingSlash = text.filter(s -> !s.endsWith("/"));
    Arbitrary<Mirror> mirror =
        Combinators.combine(
                noTrailingSlash, Arbitraries.of(true, false), Arbitraries.of(PullFromMirror.class))
            .as(Mirror::new);
    Arbitrary<Registry> registry =
        Combinators.combine(
                noTrailingSlash,
                noTrailingSlash,
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                Arbitraries.of(true, false),
                mirror.list().ofMaxSize(3))
            .as(Registry::new);
    return Combinators.combine(
            noTrailingSlash.list().ofMaxSize(3).optional(),
            text.optional(),
            text.list().ofMaxSize(3).optional(),
            Arbitraries.maps(text, text).ofMaxSize(3),
            registry.list().ofMaxSize(4))
        .as(RegistriesConf::new);
  }

  @Property(tries = 300)
  void parseOfWriteIsIdentity(@ForAll("anyConf") RegistriesConf conf) {
    String toml = RegistriesToml.write(conf, List.of("rendered from: test", "second line"));
    ParsedConf parsed = RegistriesToml.parse(toml, "f");
    assertThat(parsed.problems()).as("problems decoding:\n%s", toml).isEmpty();
    assertThat(parsed.conf()).as("decoded from:\n%s", toml).isEqualTo(conf);
    assertThat(RegistriesToml.write(parsed.conf(), List.of("rendered from: test", "second line")))
        .isEqualTo(toml);
  }

  @Provide
  Arbitrary<RegistriesConf> validConf() {
    return Generators.validConf();
  }

  @Provide
  Arbitrary<List<String>> images() {
    return Generators.image().list().ofMinSize(1).ofMaxSize(8);
  }

  private static EffectiveConfig effective(RegistriesConf conf) {
    return DropIns.merge(
        Optional.of(new ConfFile("main", RegistriesToml.write(conf, List.of()))), List.of());
  }

  @Property(tries = 300)
  void indexEqualsLinearLookup(
      @ForAll("validConf") RegistriesConf conf, @ForAll("images") List<String> images) {
    EffectiveConfig config = effective(conf);
    Assume.that(config.isValid());
    RegistryIndex index = new RegistryIndex(config.registries());
    LinearRegistryLookup linear = new LinearRegistryLookup(config.registries());
    for (String image : images) {
      ImageReference ref = ImageReference.parseNormalized(image);
      for (String key : List.of(ref.name(), ref.toString(), ref.domain())) {
        assertThat(index.find(key)).as("lookup of %s", key).isEqualTo(linear.find(key));
      }
    }
  }

  @Property(tries = 300)
  void mirrorsNeverServeAnExcludedReferenceKind(
      @ForAll("validConf") RegistriesConf conf, @ForAll("images") List<String> images) {
    EffectiveConfig config = effective(conf);
    Assume.that(config.isValid());
    for (String image : images) {
      PullSources.Explanation e = PullSources.explain(config, image);
      if (e.failed() || e.matched().isEmpty()) {
        continue;
      }
      Registry r = e.matched().get().registry();
      ImageReference ref = ImageReference.parseNormalized(image).withDefaultTag();
      boolean digested = ref.isDigested();
      Statistics.label("skipped mirrors").collect(!e.skipped().isEmpty());
      for (PullSources.Source s : e.sources()) {
        if (!s.mirror()) {
          continue;
        }
        assertThat(r.mirrors())
            .as("mirror source %s of %s", s.reference(), image)
            .anySatisfy(
                m -> {
                  assertThat(rewriteOrNull(ref, r.effectivePrefix(), m.location()))
                      .isEqualTo(s.reference());
                  assertThat(r.mirrorByDigestOnly() && !digested).isFalse();
                  assertThat(m.pullFromMirror() == PullFromMirror.DIGEST_ONLY && !digested)
                      .isFalse();
                  assertThat(m.pullFromMirror() == PullFromMirror.TAG_ONLY && digested).isFalse();
                });
      }
    }
    Statistics.label("skipped mirrors").coverage(c -> c.check(true).count(n -> n > 20));
  }

  @Property(tries = 300)
  void aBlockedPrimaryWithItsOwnLocationIsNeverContacted(
      @ForAll("validConf") RegistriesConf conf, @ForAll("images") List<String> images) {
    EffectiveConfig config = effective(conf);
    Assume.that(config.isValid());
    for (String image : images) {
      PullSources.Explanation e = PullSources.explain(config, image);
      if (e.failed() || e.matched().isEmpty()) {
        continue;
      }
      Registry r = e.matched().get().registry();
      boolean applies = r.blocked() && r.effectivePrefix().equals(r.location());
      Statistics.label("blocked primary with prefix == location").collect(applies);
      if (applies) {
        PullSources.Source primary = e.sources().get(e.sources().size() - 1);
        assertThat(primary.mirror()).isFalse();
        assertThat(primary.blocked()).as("primary %s of %s", primary.reference(), image).isTrue();
        assertThat(e.sources())
            .filteredOn(s -> s.reference().equals(primary.reference()))
            .allMatch(PullSources.Source::blocked);
      }
    }
    Statistics.label("blocked primary with prefix == location")
        .coverage(c -> c.check(true).count(n -> n > 20));
  }

  @Property(tries = 200)
  void explainEitherFailsOrEndsWithThePrimary(
      @ForAll("validConf") RegistriesConf conf, @ForAll("images") List<String> images) {
    EffectiveConfig config = effective(conf);
    Assume.that(config.isValid());
    for (String image : images) {
      PullSources.Explanation e = PullSources.explain(config, image);
      assertThat(
              e.failed()
                  ? e.sources().isEmpty()
                  : !e.sources().get(e.sources().size() - 1).mirror())
          .as("%s", e)
          .isTrue();
    }
  }

  private static String rewriteOrNull(ImageReference ref, String prefix, String location) {
    try {
      return PullSources.rewrite(ref, prefix, location).toString();
    } catch (ImageReference.InvalidReferenceException e) {
      return null;
    }
  }

  @Property(tries = 50)
  void aliasesSurviveTheRoundTrip(@ForAll("anyConf") RegistriesConf conf) {
    Map<String, String> aliases = conf.aliases();
    assertThat(RegistriesToml.parse(RegistriesToml.write(conf, List.of()), "f").conf().aliases())
        .isEqualTo(aliases);
  }
}
