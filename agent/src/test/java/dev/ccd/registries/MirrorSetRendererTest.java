package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The translation vectors T01–T10 of registries-conf.md, and the MCO's validation messages. */
class MirrorSetRendererTest {

  // ------------------------------------------------------------------ helpers

  static Registry loc(String location, boolean insecure, boolean blocked, Mirror... mirrors) {
    return new Registry("", location, insecure, blocked, false, List.of(mirrors));
  }

  static Registry loc(String location, Mirror... mirrors) {
    return loc(location, false, false, mirrors);
  }

  static Registry wild(String prefix, boolean insecure, boolean blocked) {
    return new Registry(prefix, "", insecure, blocked, false, List.of());
  }

  static Mirror d(String location) {
    return new Mirror(location, false, PullFromMirror.DIGEST_ONLY);
  }

  static Mirror di(String location) {
    return new Mirror(location, true, PullFromMirror.DIGEST_ONLY);
  }

  static Mirror t(String location) {
    return new Mirror(location, false, PullFromMirror.TAG_ONLY);
  }

  static String image(List<String> insecure, List<String> blocked) {
    return """
        apiVersion: config.openshift.io/v1
        kind: Image
        metadata: {name: cluster}
        spec:
          registrySources:
            insecureRegistries: %s
            blockedRegistries: %s
        ---
        """
        .formatted(flow(insecure), flow(blocked));
  }

  static String flow(List<String> items) {
    return items.stream().map(s -> "\"" + s + "\"").toList().toString();
  }

  static MirrorSets read(String yaml) throws MirrorSetException {
    return MirrorSetsReader.parse(yaml, "in.yaml");
  }

  static final String T06_SETS =
      """
      - source: insecure.com/ns-i1
        mirrors: [blocked.com/ns-b1, other.com/ns-o1]
      - source: blocked.com/ns-b/ns2-b
        mirrors: [other.com/ns-o2, insecure.com/ns-i2]
      - source: other.com/ns-o3
        mirrors: [insecure.com/ns-i2, blocked.com/ns-b/ns3-b, foo.insecure-example.com/bar]
      """;

  static final String T06_IMAGE =
      image(
          List.of("insecure.com", "*.insecure-example.com", "*.insecure.blocked-example.com"),
          List.of("blocked.com", "*.blocked.insecure-example.com", "*.blocked-example.com"));

  static final List<Registry> T06_EXPECTED =
      List.of(
          loc(
              "blocked.com/ns-b/ns2-b",
              false,
              true,
              d("other.com/ns-o2"),
              di("insecure.com/ns-i2")),
          loc("insecure.com/ns-i1", true, false, d("blocked.com/ns-b1"), d("other.com/ns-o1")),
          loc(
              "other.com/ns-o3",
              false,
              false,
              di("insecure.com/ns-i2"),
              d("blocked.com/ns-b/ns3-b"),
              di("foo.insecure-example.com/bar")),
          loc("blocked.com", false, true),
          wild("*.blocked.insecure-example.com", true, true),
          wild("*.blocked-example.com", false, true),
          loc("insecure.com", true, false),
          wild("*.insecure-example.com", true, false),
          wild("*.insecure.blocked-example.com", true, true));

  static String indent(String block, int spaces) {
    return block.indent(spaces);
  }

  static Stream<Arguments> vectors() {
    return Stream.of(
        Arguments.of("T01 unchanged", "", List.of()),
        Arguments.of(
            "T02 insecure+blocked",
            image(
                List.of("registry.access.redhat.com", "insecure.com", "common.com"),
                List.of("blocked.com", "common.com", "docker.io")),
            List.of(
                loc("blocked.com", false, true),
                loc("common.com", true, true),
                loc("docker.io", false, true),
                loc("registry.access.redhat.com", true, false),
                loc("insecure.com", true, false))),
        Arguments.of(
            "T03 ITMS",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageTagMirrorSet
            metadata: {name: tags}
            spec:
              imageTagMirrors:
              - {source: registry-a.com, mirrors: [mirror-tag-1.registry-a.com]}
              - {source: registry-b.com, mirrors: [mirror-tag-1.registry-b.com]}
            """,
            List.of(
                loc("registry-a.com", t("mirror-tag-1.registry-a.com")),
                loc("registry-b.com", t("mirror-tag-1.registry-b.com")))),
        Arguments.of(
            "T04 IDMS + ITMS same source",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: digests}
            spec:
              imageDigestMirrors:
              - {source: registry-a.com, mirrors: [mirror-digest-1.registry-a.com, mirror-digest-2.registry-a.com]}
              - {source: registry-b.com, mirrors: [mirror-digest-1.registry-b.com, mirror-digest-2.registry-b.com]}
            ---
            apiVersion: config.openshift.io/v1
            kind: ImageTagMirrorSet
            metadata: {name: tags}
            spec:
              imageTagMirrors:
              - {source: registry-a.com, mirrors: [mirror-tag-1.registry-a.com, mirror-tag-2.registry-a.com]}
              - {source: registry-b.com, mirrors: [mirror-tag-1.registry-b.com, mirror-tag-2.registry-b.com]}
            """,
            List.of(
                loc(
                    "registry-a.com",
                    d("mirror-digest-1.registry-a.com"),
                    d("mirror-digest-2.registry-a.com"),
                    t("mirror-tag-1.registry-a.com"),
                    t("mirror-tag-2.registry-a.com")),
                loc(
                    "registry-b.com",
                    d("mirror-digest-1.registry-b.com"),
                    d("mirror-digest-2.registry-b.com"),
                    t("mirror-tag-1.registry-b.com"),
                    t("mirror-tag-2.registry-b.com")))),
        Arguments.of(
            "T05 mirrorSourcePolicy (without the conflicting registry-b.com)",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: digests}
            spec:
              imageDigestMirrors:
              - source: registry-a.com
                mirrors: [mirror-digest-1.registry-a.com, mirror-digest-2.registry-a.com]
                mirrorSourcePolicy: NeverContactSource
              - source: registry-c.com
                mirrors: [mirror-digest-1.registry-c.com, mirror-digest-2.registry-c.com]
            """,
            List.of(
                loc(
                    "registry-a.com",
                    false,
                    true,
                    d("mirror-digest-1.registry-a.com"),
                    d("mirror-digest-2.registry-a.com")),
                loc(
                    "registry-c.com",
                    d("mirror-digest-1.registry-c.com"),
                    d("mirror-digest-2.registry-c.com")))),
        Arguments.of(
            "T06 ICSP with insecure/blocked incl. wildcards",
            T06_IMAGE
                + """
                apiVersion: operator.openshift.io/v1alpha1
                kind: ImageContentSourcePolicy
                metadata: {name: icsp}
                spec:
                  repositoryDigestMirrors:
                """
                + indent(T06_SETS, 2),
            T06_EXPECTED),
        Arguments.of(
            "T07 the same from an IDMS",
            T06_IMAGE
                + """
                apiVersion: config.openshift.io/v1
                kind: ImageDigestMirrorSet
                metadata: {name: idms}
                spec:
                  imageDigestMirrors:
                """
                + indent(T06_SETS, 2),
            T06_EXPECTED),
        Arguments.of(
            "T08 nested scopes",
            image(List.of("primary.com/top/insecure"), List.of("primary.com/top/blocked"))
                + """
                apiVersion: config.openshift.io/v1
                kind: ImageDigestMirrorSet
                metadata: {name: idms}
                spec:
                  imageDigestMirrors:
                  - {source: primary.com/top, mirrors: [mirror.com/primary]}
                  - {source: primary.com/top/insecure/more-specific, mirrors: [mirror.com/more-specific]}
                ---
                apiVersion: config.openshift.io/v1
                kind: ImageTagMirrorSet
                metadata: {name: itms}
                spec:
                  imageTagMirrors:
                  - {source: primary.com/top, mirrors: [mirror-tag.com/primary]}
                  - {source: primary.com/top/insecure/more-specific, mirrors: [mirror-tag.com/more-specific]}
                """,
            List.of(
                loc("primary.com/top", d("mirror.com/primary"), t("mirror-tag.com/primary")),
                loc(
                    "primary.com/top/insecure/more-specific",
                    true,
                    false,
                    d("mirror.com/more-specific"),
                    t("mirror-tag.com/more-specific")),
                loc(
                    "primary.com/top/blocked",
                    false,
                    true,
                    d("mirror.com/primary/blocked"),
                    t("mirror-tag.com/primary/blocked")),
                loc(
                    "primary.com/top/insecure",
                    true,
                    false,
                    d("mirror.com/primary/insecure"),
                    t("mirror-tag.com/primary/insecure")))),
        Arguments.of(
            "T09 example: independent sets alphabetical, a cycle broken at the smallest node",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: a}
            spec:
              imageDigestMirrors:
              - {source: source.vendor.com, mirrors: [registry2.vendor.com]}
              - {source: source.vendor2.com, mirrors: [registry1.vendor2.com, registry2.vendor2.com]}
            ---
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: b}
            spec:
              imageDigestMirrors:
              - {source: source.vendor.com, mirrors: [local-mirror.example.com]}
              - source: source.vendor2.com
                mirrors: [local-mirror2.example.com, registry2.vendor2.com, registry1.vendor2.com]
            """,
            List.of(
                loc("source.vendor.com", d("local-mirror.example.com"), d("registry2.vendor.com")),
                loc(
                    "source.vendor2.com",
                    d("local-mirror2.example.com"),
                    d("registry1.vendor2.com"),
                    d("registry2.vendor2.com")))),
        Arguments.of(
            "T09 mirrors that only repeat the source, and empty mirrors, are ignored",
            """
            apiVersion: operator.openshift.io/v1alpha1
            kind: ImageContentSourcePolicy
            metadata: {name: a}
            spec:
              repositoryDigestMirrors:
              - {source: source.example.com, mirrors: [source.example.com]}
              - {source: single.example.com}
            """,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void rendersLikeTheMachineConfigOperator(String name, String yaml, List<Registry> expected)
      throws MirrorSetException {
    RegistriesConf out = MirrorSetRenderer.render(read(yaml), MirrorSetRenderer.OPENSHIFT_TEMPLATE);

    assertThat(out.registries()).as(name).containsExactlyElementsOf(expected);
    assertThat(out.unqualifiedSearchRegistries())
        .as("template kept")
        .contains(List.of("registry.access.redhat.com", "docker.io"));
  }

  @Test
  void mergesSetsWithASharedElementInStrictOrder() {
    assertThat(MirrorSetOrder.merge("src", List.of(List.of("z1", "y2"), List.of("y2", "x3"))))
        .containsExactly("z1", "y2", "x3");
  }

  @Test
  void keepsTheSourceWhenItIsAmongTheMirrorsAndNotLast() {
    assertThat(
            MirrorSetOrder.merge(
                "source", List.of(List.of("z1", "source", "y2"), List.of("source", "y2", "x3"))))
        .containsExactly("z1", "source", "y2", "x3");
  }

  @Test
  void mergeIgnoresTheOrderOfTheInputLists() {
    List<List<String>> lists =
        List.of(List.of("b", "c"), List.of("a", "b"), List.of("d"), List.of("c", "a"));
    List<String> expected = MirrorSetOrder.merge("s", lists);
    assertThat(
            MirrorSetOrder.merge(
                "s", List.of(lists.get(3), lists.get(1), lists.get(2), lists.get(0))))
        .isEqualTo(expected);
  }

  @Test
  void keepsTemplateEntriesAndReusesOneWithTheSameScope() throws MirrorSetException {
    RegistriesConf template =
        new RegistriesConf(
            Optional.empty(),
            Optional.of("enforcing"),
            Optional.empty(),
            java.util.Map.of(),
            List.of(
                new Registry(
                    "", "quay.io", false, false, false, List.of(Mirror.of("keep.example.com"))),
                new Registry("", "other.io", false, false, false, List.of())));
    MirrorSets in =
        read(
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: a}
            spec:
              imageDigestMirrors:
              - {source: quay.io, mirrors: [mirror.example.com]}
            """);

    RegistriesConf out = MirrorSetRenderer.render(in, template);

    assertThat(out.shortNameMode()).contains("enforcing");
    assertThat(out.registries())
        .containsExactly(
            new Registry(
                "",
                "quay.io",
                false,
                false,
                false,
                List.of(Mirror.of("keep.example.com"), d("mirror.example.com"))),
            new Registry("", "other.io", false, false, false, List.of()));
  }

  @Test
  void rendersAWildcardSourceAsPrefix() throws MirrorSetException {
    MirrorSets in =
        read(
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: a}
            spec:
              imageDigestMirrors:
              - {source: "*.example.com", mirrors: [mirror.example.org]}
            """);
    assertThat(MirrorSetRenderer.render(in, RegistriesConf.EMPTY).registries())
        .containsExactly(
            new Registry(
                "*.example.com", "", false, false, false, List.of(d("mirror.example.org"))));
  }

  // ------------------------------------------------------------------ validation

  static final String T05_CONFLICT =
      """
      apiVersion: config.openshift.io/v1
      kind: ImageDigestMirrorSet
      metadata: {name: digests}
      spec:
        imageDigestMirrors:
        - {source: registry-b.com, mirrors: [mirror-digest-1.registry-b.com]}
      ---
      apiVersion: config.openshift.io/v1
      kind: ImageTagMirrorSet
      metadata: {name: tags}
      spec:
        imageTagMirrors:
        - source: registry-b.com
          mirrors: [mirror-tag-1.registry-b.com]
          mirrorSourcePolicy: NeverContactSource
      """;

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "T05 conflicting policy across IDMS and ITMS",
            T05_CONFLICT,
            "ImageTagMirrorSet/tags spec.imageTagMirrors[0].mirrorSourcePolicy",
            "conflicting mirrorSourcePolicy is set for the same source \"registry-b.com\" in"
                + " imagedigestmirrorsets, imagetagmirrorsets, or imagecontentsourcepolicies"),
        Arguments.of(
            "conflict between an ICSP (always AllowContactingSource) and an IDMS",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: never}
            spec:
              imageDigestMirrors:
              - {source: a.com/ns, mirrors: [m.com/ns], mirrorSourcePolicy: NeverContactSource}
            ---
            apiVersion: operator.openshift.io/v1alpha1
            kind: ImageContentSourcePolicy
            metadata: {name: old}
            spec:
              repositoryDigestMirrors:
              - {source: a.com/ns, mirrors: [n.com/ns]}
            """,
            "ImageContentSourcePolicy/old spec.repositoryDigestMirrors[0].mirrorSourcePolicy",
            "conflicting mirrorSourcePolicy is set for the same source \"a.com/ns\" in"
                + " imagedigestmirrorsets, imagetagmirrorsets, or imagecontentsourcepolicies"),
        Arguments.of(
            "T10 NeverContactSource with the source among its mirrors",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: self}
            spec:
              imageDigestMirrors:
              - source: registry.example.com
                mirrors: [mirror.example.com, registry.example.com]
                mirrorSourcePolicy: NeverContactSource
            """,
            "ImageDigestMirrorSet/self spec.imageDigestMirrors[0].mirrors[1]",
            "cannot set mirrorSourcePolicy: NeverContactSource if the source"
                + " \"registry.example.com\" is one of the mirrors"),
        Arguments.of(
            "T10 wildcard in an insecure scope's path",
            image(List.of("ok.com", "*.a.com/path"), List.of()),
            "Image/cluster spec.registrySources.insecureRegistries[1]",
            "invalid entry for insecure registries \"*.a.com/path\""),
        Arguments.of(
            "blocked scope with a wildcard inside",
            image(List.of(), List.of("example.*.com")),
            "Image/cluster spec.registrySources.blockedRegistries[0]",
            "invalid entry for blocked registries \"example.*.com\""),
        Arguments.of(
            "empty blocked scope",
            image(List.of(), List.of("")),
            "Image/cluster spec.registrySources.blockedRegistries[0]",
            "invalid entry for blocked registries \"\""),
        Arguments.of(
            "T10 wildcard mirror",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata: {name: wild}
            spec:
              imageDigestMirrors:
              - {source: registry.example.com, mirrors: ["*.mirror.com"]}
            """,
            "ImageDigestMirrorSet/wild spec.imageDigestMirrors[0].mirrors[0]",
            "invalid format for mirror \"*.mirror.com\""),
        Arguments.of(
            "ICSP source with a scheme",
            """
            apiVersion: operator.openshift.io/v1alpha1
            kind: ImageContentSourcePolicy
            metadata: {name: scheme}
            spec:
              repositoryDigestMirrors:
              - {source: "https://quay.io/ns", mirrors: [m.com]}
            """,
            "ImageContentSourcePolicy/scheme spec.repositoryDigestMirrors[0].source",
            "invalid format for source \"https://quay.io/ns\""),
        Arguments.of(
            "ITMS source with an upper-case path",
            """
            apiVersion: config.openshift.io/v1
            kind: ImageTagMirrorSet
            metadata: {name: upper}
            spec:
              imageTagMirrors:
              - {source: quay.io/Ns, mirrors: [m.com]}
            """,
            "ImageTagMirrorSet/upper spec.imageTagMirrors[0].source",
            "invalid format for source \"quay.io/Ns\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesLikeTheMachineConfigOperator(String name, String yaml, String field, String message)
      throws MirrorSetException {
    MirrorSets in = read(yaml);

    assertThat(MirrorSetRenderer.validate(in))
        .as(name)
        .containsExactly(Problem.error("in.yaml", field, message));
    assertThatThrownBy(() -> MirrorSetRenderer.render(in, RegistriesConf.EMPTY))
        .isInstanceOf(MirrorSetException.class)
        .satisfies(
            e ->
                assertThat(((MirrorSetException) e).problems())
                    .containsExactly(Problem.error("in.yaml", field, message)));
  }

  @Test
  void reportsEveryInvalidEntryNotJustTheFirst() throws MirrorSetException {
    MirrorSets in =
        read(
            image(List.of("*bad"), List.of("also*bad"))
                + """
                apiVersion: config.openshift.io/v1
                kind: ImageDigestMirrorSet
                metadata: {name: two}
                spec:
                  imageDigestMirrors:
                  - {source: "a.com", mirrors: ["*.m.com"]}
                  - {source: "b.com", mirrors: ["UPPER.com/Path"]}
                """);
    assertThat(MirrorSetRenderer.validate(in))
        .extracting(Problem::message)
        .containsExactly(
            "invalid entry for insecure registries \"*bad\"",
            "invalid entry for blocked registries \"also*bad\"",
            "invalid format for mirror \"*.m.com\"",
            "invalid format for mirror \"UPPER.com/Path\"");
  }

  @Test
  void aCopyOfWildcardSourceMirrorsIntoANestedScopeIsRefused() throws MirrorSetException {
    MirrorSets in =
        read(
            image(List.of("foo.example.com"), List.of())
                + """
                apiVersion: config.openshift.io/v1
                kind: ImageDigestMirrorSet
                metadata: {name: wild}
                spec:
                  imageDigestMirrors:
                  - {source: "*.example.com", mirrors: [mirror.example.org]}
                """);
    assertThatThrownBy(() -> MirrorSetRenderer.render(in, RegistriesConf.EMPTY))
        .isInstanceOf(MirrorSetException.class)
        .hasMessageStartingWith("in.yaml: ImageDigestMirrorSet/wild source *.example.com: ")
        .hasMessageContaining("wildcard source \"*.example.com\"")
        .hasMessageContaining("\"foo.example.com\"");
  }
}
