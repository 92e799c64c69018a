package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The machine-config-operator's protection of the release payload from blocked registries. */
class PayloadScopesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAYLOAD_REPO = "quay.io/openshift-release-dev/ocp-release";
  private static final Optional<String> RELEASE =
      Optional.of(PAYLOAD_REPO + "@sha256:" + "ab".repeat(32));

  private static MirrorSets input(String blocked, String mirrorSets) throws MirrorSetException {
    return MirrorSetsReader.parse(
        """
        apiVersion: config.openshift.io/v1
        kind: Image
        metadata: {name: cluster}
        spec:
          registrySources: {blockedRegistries: %s}
        %s"""
            .formatted(blocked, mirrorSets),
        "image.yaml");
  }

  private static String idms(String source, String mirror) {
    return """
        ---
        apiVersion: config.openshift.io/v1
        kind: ImageDigestMirrorSet
        metadata: {name: release}
        spec:
          imageDigestMirrors:
          - source: %s
            mirrors: [%s]
        """
        .formatted(source, mirror);
  }

  @Test
  void withoutAReleaseImageTheListsAreTheImageConfigs() throws Exception {
    PayloadScopes scopes = PayloadScopes.of(input("[quay.io, docker.io]", ""), Optional.empty());
    assertThat(scopes.registriesBlocked()).containsExactly("quay.io", "docker.io");
    assertThat(scopes.policyBlocked()).containsExactly("quay.io", "docker.io");
    assertThat(scopes.allowed()).isEmpty();
    assertThat(scopes.payloadRepo()).isEmpty();
    assertThat(scopes.warnings()).isEmpty();
  }

  @Test
  void blockingThePayloadsRegistryWithoutAMirrorIsDroppedWithTheMcosMessage() throws Exception {
    PayloadScopes scopes = PayloadScopes.of(input("[quay.io, docker.io]", ""), RELEASE);
    assertThat(scopes.registriesBlocked()).containsExactly("docker.io");
    assertThat(scopes.policyBlocked()).containsExactly("docker.io");
    assertThat(scopes.allowed()).isEmpty();
    assertThat(scopes.payloadRepo()).contains(PAYLOAD_REPO);
    assertThat(scopes.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.isError()).isFalse();
              assertThat(w.toString())
                  .isEqualTo(
                      "warning: image.yaml: Image/cluster spec.registrySources.blockedRegistries:"
                          + " error adding [\"quay.io\"] to blocked registries, cannot block the"
                          + " repository being used by the payload");
            });
  }

  @Test
  void anUnblockedDigestMirrorKeepsTheScopeBlockedAndAllowsThePayloadInPolicyJson()
      throws Exception {
    MirrorSets in = input("[quay.io, docker.io]", idms(PAYLOAD_REPO, "mirror.example.com/ocp"));
    PayloadScopes scopes = PayloadScopes.of(in, RELEASE);
    assertThat(scopes.registriesBlocked()).containsExactly("quay.io", "docker.io");
    assertThat(scopes.policyBlocked()).containsExactly("quay.io", "docker.io");
    assertThat(scopes.allowed()).containsExactly(PAYLOAD_REPO);
    assertThat(scopes.warnings()).isEmpty();

    // policy.json accepts "blocked plus only the payload allowed" (the MCO's one exception).
    JsonNode policy = JSON.readTree(PolicyJsonRenderer.render(in, scopes).orElseThrow());
    assertThat(policy.at("/transports/docker/" + jsonPointer(PAYLOAD_REPO) + "/0/type").asText())
        .isEqualTo("insecureAcceptAnything");
    assertThat(policy.at("/transports/docker/quay.io/0/type").asText()).isEqualTo("reject");
    // registries.conf still blocks the source and pulls the payload from the mirror.
    RegistriesConf conf = MirrorSetRenderer.render(in, RegistriesConf.EMPTY, scopes);
    assertThat(conf.registries())
        .filteredOn(r -> r.effectivePrefix().equals("quay.io"))
        .singleElement()
        .satisfies(r -> assertThat(r.blocked()).isTrue());
  }

  @Test
  void blockingExactlyThePayloadRepoWithAMirrorLeavesItOutOfPolicyJsonsRejects() throws Exception {
    MirrorSets in = input("[" + PAYLOAD_REPO + "]", idms(PAYLOAD_REPO, "mirror.example.com/ocp"));
    PayloadScopes scopes = PayloadScopes.of(in, RELEASE);
    assertThat(scopes.registriesBlocked()).containsExactly(PAYLOAD_REPO);
    assertThat(scopes.policyBlocked()).isEmpty();
    assertThat(scopes.allowed()).containsExactly(PAYLOAD_REPO);
  }

  @Test
  void aMirrorThatIsItselfBlockedDoesNotCount() throws Exception {
    MirrorSets in =
        input("[quay.io, mirror.example.com]", idms(PAYLOAD_REPO, "mirror.example.com/ocp"));
    PayloadScopes scopes = PayloadScopes.of(in, RELEASE);
    assertThat(scopes.registriesBlocked()).containsExactly("mirror.example.com");
    assertThat(scopes.warnings()).hasSize(1);
  }

  @Test
  void onlyDigestMirrorsCountTagMirrorsDoNot() throws Exception {
    String itms =
        """
        ---
        apiVersion: config.openshift.io/v1
        kind: ImageTagMirrorSet
        metadata: {name: tags}
        spec:
          imageTagMirrors:
          - source: quay.io/openshift-release-dev
            mirrors: [mirror.example.com/ocp]
        """;
    PayloadScopes scopes = PayloadScopes.of(input("[quay.io]", itms), RELEASE);
    assertThat(scopes.registriesBlocked()).isEmpty();
    assertThat(scopes.warnings()).hasSize(1);
  }

  @Test
  void aMirrorForAnEnclosingNamespaceServesThePayload() throws Exception {
    MirrorSets in =
        input("[quay.io]", idms("quay.io/openshift-release-dev", "mirror.example.com/ocp"));
    PayloadScopes scopes = PayloadScopes.of(in, RELEASE);
    assertThat(scopes.registriesBlocked()).containsExactly("quay.io");
    assertThat(scopes.allowed()).containsExactly(PAYLOAD_REPO);
  }

  @Test
  void scopesThatDoNotHoldThePayloadAreUntouched() throws Exception {
    PayloadScopes scopes =
        PayloadScopes.of(input("[quay.io/other, \"*.example.com\"]", ""), RELEASE);
    assertThat(scopes.registriesBlocked()).containsExactly("quay.io/other", "*.example.com");
    assertThat(scopes.policyBlocked()).containsExactly("quay.io/other", "*.example.com");
    assertThat(scopes.warnings()).isEmpty();
  }

  @Test
  void anInvalidReleaseImageIsAnErrorNamingTheOption() throws Exception {
    MirrorSets in = input("[quay.io]", "");
    assertThatThrownBy(() -> PayloadScopes.of(in, Optional.of("Quay.io/UPPER@sha256:zz")))
        .isInstanceOfSatisfying(
            MirrorSetException.class,
            e ->
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(p -> assertThat(p.toString()).startsWith("--release-image: ")));
  }

  @Test
  void invalidMirrorSetsAreRefusedBeforeThePayloadCheck() throws Exception {
    MirrorSets in = input("[\"quay.io/*\"]", "");
    assertThatThrownBy(() -> PayloadScopes.of(in, RELEASE))
        .isInstanceOfSatisfying(
            MirrorSetException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(
                        p ->
                            assertThat(p.toString())
                                .contains("invalid entry for blocked registries \"quay.io/*\"")));
  }

  private static String jsonPointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
