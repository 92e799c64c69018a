package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** containers/image's merge of registries.conf.d, beyond the S21–S25 vectors. */
class DropInsTest {

  private static ConfFile f(String name, String text) {
    return new ConfFile(name, text);
  }

  @Test
  void listKeysAreReplacedWhenPresentEvenIfEmpty() {
    EffectiveConfig c =
        DropIns.merge(
            Optional.of(
                f(
                    "/etc/containers/registries.conf",
                    "unqualified-search-registries=[\"a.example.com\"]\n"
                        + "credential-helpers=[\"pass\"]\nshort-name-mode=\"disabled\"\n")),
            List.of(
                f("/d/10-empty.conf", "unqualified-search-registries=[]\n"),
                f("/d/20-nothing.conf", "short-name-mode=\"\"\n")));
    assertThat(c.conf().unqualifiedSearchRegistries()).contains(List.of());
    assertThat(c.conf().credentialHelpers()).contains(List.of("pass"));
    assertThat(c.conf().shortNameMode()).contains("disabled");
  }

  @Test
  void aliasesMergePerKeyLaterWins() {
    EffectiveConfig c =
        DropIns.merge(
            Optional.of(f("main", "[aliases]\na=\"example.com/a\"\nb=\"example.com/b\"\n")),
            List.of(f("/d/1.conf", "[aliases]\nb=\"example.org/b\"\n")));
    assertThat(c.conf().aliases())
        .containsEntry("a", "example.com/a")
        .containsEntry("b", "example.org/b");
  }

  @Test
  void directoriesAreReadOneAfterTheOtherNotInterleaved() {
    // The system directory's path sorts after the user's, yet the user's files come last and win.
    EffectiveConfig c =
        DropIns.mergeDirectories(
            Optional.empty(),
            List.of(
                List.of(
                    f("/z/system.d/50-b.conf", "[[registry]]\nlocation=\"example.com\"\n"),
                    f("/z/system.d/10-a.conf", "[[registry]]\nlocation=\"example.org\"\n")),
                List.of(
                    f(
                        "/a/user.d/01.conf",
                        "[[registry]]\nlocation=\"example.com\"\ninsecure=true\n"))));
    assertThat(c.files())
        .containsExactly("/z/system.d/10-a.conf", "/z/system.d/50-b.conf", "/a/user.d/01.conf");
    assertThat(c.registries())
        .filteredOn(r -> r.registry().effectivePrefix().equals("example.com"))
        .singleElement()
        .satisfies(r -> assertThat(r.registry().insecure()).isTrue());
  }

  @Test
  void dropInOrderIsByteOrderAndNonConfIgnored() {
    EffectiveConfig c =
        DropIns.merge(
            Optional.empty(),
            List.of(
                f("/d/9-z.conf", "[[registry]]\nlocation=\"example.com\"\ninsecure=true\n"),
                f("/d/10-a.conf", "[[registry]]\nlocation=\"example.com\"\n"),
                f("/d/99.conf.bak", "not toml [[[")));
    assertThat(c.files()).containsExactly("/d/10-a.conf", "/d/9-z.conf");
    assertThat(c.registries())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.file()).isEqualTo("/d/9-z.conf");
              assertThat(r.registry().insecure()).isTrue();
            });
    assertThat(c.problems())
        .anySatisfy(
            p -> {
              assertThat(p.file()).isEqualTo("/d/9-z.conf");
              assertThat(p.message())
                  .contains("replaces the registry with the same prefix from /d/10-a.conf");
            });
  }

  @Test
  void conflictsAreCheckedPerFileOnly() {
    EffectiveConfig c =
        DropIns.merge(
            Optional.of(
                f("main", "[[registry]]\nprefix=\"example.com/a\"\nlocation=\"example.com\"\n")),
            List.of(
                f(
                    "/d/1.conf",
                    "[[registry]]\nprefix=\"example.com/b\"\nlocation=\"example.com\"\nblocked=true\n")));
    assertThat(c.isValid()).isTrue();
    assertThat(c.registries())
        .extracting(SourcedRegistry::prefix)
        .containsExactly("example.com/a", "example.com/b");
  }

  @Test
  void registriesAreSortedByPrefixAndFirstOfAFileWins() {
    EffectiveConfig c =
        DropIns.merge(
            Optional.of(
                f(
                    "main",
                    "[[registry]]\nlocation=\"z.example.com\"\n[[registry]]\nlocation=\"a.example.com\"\n"
                        + "[[registry]]\nlocation=\"z.example.com\"\n[[registry.mirror]]\nlocation=\"m.example.com\"\n")),
            List.of());
    assertThat(c.registries())
        .extracting(SourcedRegistry::prefix)
        .containsExactly("a.example.com", "z.example.com");
    assertThat(c.registries().get(1).registry().mirrors()).isEmpty();
  }

  @Test
  void anInvalidDropInMakesTheWholeConfigUnusable() {
    EffectiveConfig c =
        DropIns.merge(
            Optional.of(f("main", "[[registry]]\nlocation=\"example.com\"\n")),
            List.of(f("/d/5.conf", "short-name-mode=\"x\"\n")));
    assertThat(c.loadError())
        .contains(
            "loading drop-in registries configuration \"/d/5.conf\": invalid short-name mode: \"x\"");
    assertThat(PullSources.explain(c, "example.com/a:1").error()).isEqualTo(c.loadError());
  }

  @Test
  void v1MainWithV2DropInIsFine() {
    EffectiveConfig c =
        DropIns.merge(
            Optional.of(f("main", "[registries.block]\nregistries=[\"b.example.com\"]\n")),
            List.of(f("/d/1.conf", "[[registry]]\nlocation=\"c.example.com\"\n")));
    assertThat(c.isValid()).isTrue();
    assertThat(c.registries())
        .extracting(SourcedRegistry::prefix)
        .containsExactly("b.example.com", "c.example.com");
  }

  @Test
  void missingExplicitMainFile() {
    assertThat(DropIns.missingMainFile("/x/r.conf").loadError())
        .contains(
            "loading registries configuration \"/x/r.conf\": open /x/r.conf: no such file or directory");
  }
}
