package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** policy.json checks: syntax with position, structure, requirement fields. */
class PolicyJsonValidatorTest {

  @Test
  void theMcoShapesAreValid() {
    String blocked =
        """
        {"default": [{"type": "insecureAcceptAnything"}],
         "transports": {"docker": {"blocked.com": [{"type": "reject"}]},
                        "atomic": {"blocked.com": [{"type": "reject"}]},
                        "docker-daemon": {"": [{"type": "insecureAcceptAnything"}]}}}
        """;
    assertThat(PolicyJsonValidator.validate(blocked, "policy.json")).isEmpty();
    String signed =
        """
        {"default": [{"type": "reject"}],
         "transports": {"docker": {
           "registry.redhat.io": [{"type": "signedBy", "keyType": "GPGKeys",
                                   "keyPath": "/etc/pki/rpm-gpg/RPM-GPG-KEY-redhat-release"}],
           "quay.io/x": [{"type": "sigstoreSigned", "keyPath": "/k.pub",
                          "signedIdentity": {"type": "matchRepository"}}],
           "quay.io/y": [{"type": "sigstoreSigned",
                          "fulcio": {"caPath": "/ca", "oidcIssuer": "https://x", "subjectEmail": "a@b"},
                          "rekorPublicKeyPath": "/r.pub"}]}}}
        """;
    assertThat(PolicyJsonValidator.validate(signed, "policy.json")).isEmpty();
  }

  @Test
  void syntaxErrorHasLineAndColumn() {
    List<Problem> problems = PolicyJsonValidator.validate("{\n  \"default\": [,]\n}", "p.json");
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.file()).isEqualTo("p.json");
              assertThat(p.message()).startsWith("invalid JSON at line 2, column 15");
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{} | default | Default policy is missing",
        "{\"default\": []} | default | Policy requirements must not be an empty list",
        "{\"default\": [{\"type\": \"accept\"}]} | default[0].type | Unknown policy requirement type \"accept\"",
        "{\"default\": [{\"type\": \"reject\", \"x\": 1}]} | default[0].x | Unknown key \"x\"",
        "{\"default\": [{\"type\": \"reject\"}], \"transports\": {\"docker\": {\"a.io\": [{\"type\": \"signedBy\", \"keyPath\": \"/k\"}]}}} | transports.docker[\"a.io\"][0].keyType | keyType is required for signedBy",
        "{\"default\": [{\"type\": \"signedBy\", \"keyType\": \"GPGKeys\"}]} | default[0] | signedBy needs exactly one of keyPath, keyPaths, keyData (none given)",
        "{\"default\": [{\"type\": \"sigstoreSigned\", \"keyPath\": \"/a\", \"keyData\": \"b\"}]} | default[0] | sigstoreSigned needs exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, pki (given: keyPath, keyData)",
        "{\"default\": [{\"type\": \"reject\"}], \"default\": [] } | '' | invalid JSON at line 1, column 44: Duplicate field 'default'",
        "{\"default\": [{\"type\": \"reject\"}], \"transports\": {\"docker\": {\"a.io\": {}}}} | transports.docker[\"a.io\"] | must be an array of policy requirements"
      })
  void reportsFieldAndMessage(String json, String field, String message) {
    assertThat(PolicyJsonValidator.validate(json, "p.json"))
        .filteredOn(Problem::isError)
        .first()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo(field);
              assertThat(p.message()).isEqualTo(message);
            });
  }
}
