package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** T11 of registries-conf.md: policy.json from allowed/blocked registries. */
class PolicyJsonRendererTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static MirrorSets image(String registrySources) throws MirrorSetException {
    return MirrorSetsReader.parse(
        """
        apiVersion: config.openshift.io/v1
        kind: Image
        metadata: {name: cluster}
        spec:
          registrySources: %s
        """
            .formatted(registrySources),
        "image.yaml");
  }

  @Test
  void blockedRegistriesAreRejectedAndAtomicSkipsDeepScopes() throws Exception {
    String out =
        PolicyJsonRenderer.render(
                image("{blockedRegistries: [blocked.com, block.com/ns/repo/sub]}"))
            .orElseThrow();

    assertThat(JSON.readTree(out))
        .isEqualTo(
            JSON.readTree(
                """
                {"default": [{"type": "insecureAcceptAnything"}],
                 "transports": {
                   "atomic": {"blocked.com": [{"type": "reject"}]},
                   "docker": {"block.com/ns/repo/sub": [{"type": "reject"}],
                              "blocked.com": [{"type": "reject"}]},
                   "docker-daemon": {"": [{"type": "insecureAcceptAnything"}]}}}
                """));
  }

  @Test
  void allowedRegistriesAreTheOnlyOnesAccepted() throws Exception {
    String out = PolicyJsonRenderer.render(image("{allowedRegistries: [allow.io]}")).orElseThrow();

    JsonNode policy = JSON.readTree(out);
    assertThat(policy.get("default")).isEqualTo(JSON.readTree("[{\"type\":\"reject\"}]"));
    JsonNode accept = JSON.readTree("{\"allow.io\":[{\"type\":\"insecureAcceptAnything\"}]}");
    assertThat(policy.at("/transports/docker")).isEqualTo(accept);
    assertThat(policy.at("/transports/atomic")).isEqualTo(accept);
    assertThat(policy.at("/transports/docker-daemon")).as("template transport kept").isNotEmpty();
  }

  @Test
  void outputIsPrettySortedAndStable() throws Exception {
    MirrorSets in = image("{blockedRegistries: [z.io, a.io]}");
    String out = PolicyJsonRenderer.render(in).orElseThrow();

    assertThat(out)
        .startsWith("{\n  \"default\": [\n    {\n      \"type\": \"insecureAcceptAnything\"")
        .endsWith("}\n");
    assertThat(out.indexOf("\"a.io\"")).isLessThan(out.indexOf("\"z.io\""));
    assertThat(out.indexOf("\"atomic\"")).isLessThan(out.indexOf("\"docker\""));
    assertThat(PolicyJsonRenderer.render(in)).contains(out);
  }

  @Test
  void bothListsAreRefused() throws Exception {
    MirrorSets in = image("{allowedRegistries: [allow.io], blockedRegistries: [block.io]}");

    assertThatThrownBy(() -> PolicyJsonRenderer.render(in))
        .isInstanceOf(MirrorSetException.class)
        .satisfies(
            e ->
                assertThat(((MirrorSetException) e).problems())
                    .containsExactly(
                        Problem.error(
                            "image.yaml",
                            "Image/cluster spec.registrySources",
                            "invalid images config: only one of AllowedRegistries or"
                                + " BlockedRegistries may be specified")));
  }

  @Test
  void bothListsAreFineWhenAllowedIsExactlyThePayloadRepository() throws Exception {
    MirrorSets in = image("{}");
    String out =
        PolicyJsonRenderer.render(
                in,
                PolicyJsonRenderer.DEFAULT_POLICY,
                List.of("quay.io"),
                List.of("quay.io/openshift-release-dev/ocp-release"),
                Optional.of("quay.io/openshift-release-dev/ocp-release"))
            .orElseThrow();

    JsonNode docker = JSON.readTree(out).at("/transports/docker");
    assertThat(docker.get("quay.io").get(0).get("type").asText()).isEqualTo("reject");
    assertThat(docker.get("quay.io/openshift-release-dev/ocp-release").get(0).get("type").asText())
        .isEqualTo("insecureAcceptAnything");
    assertThat(JSON.readTree(out).at("/default/0/type").asText())
        .as("blocked wins the default")
        .isEqualTo("insecureAcceptAnything");
  }

  @Test
  void noListsMeansNoPolicyFile() throws Exception {
    assertThat(PolicyJsonRenderer.render(image("{insecureRegistries: [x.io]}"))).isEmpty();
    assertThat(PolicyJsonRenderer.render(MirrorSets.EMPTY)).isEmpty();
  }

  @Test
  void invalidScopesAreNamed() throws Exception {
    assertThatThrownBy(
            () -> PolicyJsonRenderer.render(image("{allowedRegistries: [\"*.a.io:5000\"]}")))
        .isInstanceOf(MirrorSetException.class)
        .hasMessage(
            "image.yaml: Image/cluster spec.registrySources.allowedRegistries[0]: invalid entry for"
                + " allowed registries \"*.a.io:5000\"");
  }
}
