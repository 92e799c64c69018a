package dev.ccd.machineconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.registries.Problem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input matrix for MachineConfigs, through the whole read path ccd uses before it
 * touches a disk (reader, Ignition decoder, content validation): each row is refused with its own
 * reason, naming the field.
 */
class HostileMachineConfigTest {
  static final String REG = "/etc/containers/registries.conf";
  static final String DROP_IN = "/etc/containers/registries.conf.d/50-x.conf";
  static final String F0 = "spec.config.storage.files[0]";

  static String mc(String version, String file) {
    return """
        apiVersion: machineconfiguration.openshift.io/v1
        kind: MachineConfig
        metadata: {name: 99-worker-hostile}
        spec:
          config:
            ignition: {version: %s}
            storage:
              files:
              - %s
        """
        .formatted(version, file);
  }

  static String file(String path, String source) {
    return "{path: \"" + path + "\", contents: {source: \"" + source + "\"}}";
  }

  static String b64(byte[] data) {
    return "data:;base64," + Base64.getEncoder().encodeToString(data);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }

  static Stream<Arguments> hostile() throws Exception {
    String ok = "unqualified-search-registries = [\"docker.io\"]\n";
    byte[] okBytes = ok.getBytes(StandardCharsets.UTF_8);
    String good = mc("3.2.0", file(REG, b64(ok)));
    List<Arguments> rows = new ArrayList<>();
    // structure
    rows.add(row("two documents", good + "---\n" + good, "document 2", "exactly one document"));
    rows.add(
        row(
            "an alias",
            mc("3.2.0", "{path: " + REG + ", mode: *m}")
                .replace("metadata:", "x: &m 420\nmetadata:"),
            "",
            "YAML alias *m at /spec/config/storage/files/0/mode"));
    rows.add(
        row(
            "JSON with a second object",
            "{\"kind\": \"MachineConfig\"} {}",
            "document 2",
            "more than one JSON value; the second starts at line 1, column 27"));
    rows.add(
        row("nested 100 deep", "a: " + "[".repeat(100) + "]".repeat(100), "", "nesting depth"));
    rows.add(row("a list", "- 1\n- 2\n", "", "expected a MachineConfig object"));
    rows.add(
        row(
            "a list of two MachineConfigs",
            "- " + good.replace("\n", "\n  ") + "\n- {}\n",
            "",
            "expected a MachineConfig object"));
    rows.add(
        row("another kind", good.replace("kind: MachineConfig", "kind: ConfigMap"), "kind", ""));
    rows.add(row("spec is a list", good.replace("spec:\n", "spec: [1]\nx:\n"), "spec", ""));
    // Ignition
    rows.add(row("Ignition 2", mc("2.2.0", file(REG, b64(ok))), "ignition.version", "spec 2"));
    rows.add(
        row("Ignition 3.6", mc("3.6.0", file(REG, b64(ok))), "ignition.version", "unsupported"));
    rows.add(
        row(
            "remote source",
            mc("3.2.0", file(REG, "http://x/y")),
            F0 + ".contents.source",
            "never fetches"));
    rows.add(
        row(
            "append",
            mc("3.2.0", "{path: " + REG + ", append: [{source: \"data:,x\"}]}"),
            F0 + ".append",
            "append is not supported"));
    rows.add(
        row(
            "compression xz",
            mc("3.2.0", "{path: " + REG + ", contents: {source: \"data:,x\", compression: xz}}"),
            F0 + ".contents.compression",
            "unsupported compression type \"xz\""));
    // data URLs
    rows.add(
        row(
            "bad base64",
            mc("3.2.0", file(REG, "data:;base64,!!!!")),
            F0 + ".contents.source",
            "invalid base64"));
    rows.add(
        row(
            "bad percent-encoding",
            mc("3.2.0", file(REG, "data:,a%zz")),
            F0 + ".contents.source",
            "invalid percent-encoding"));
    rows.add(
        row(
            "no comma",
            mc("3.2.0", file(REG, "data:text/plain")),
            F0 + ".contents.source",
            "no ','"));
    rows.add(
        row(
            "2 MiB data URL",
            // JSON: SnakeYAML needs time quadratic in the length of one scalar (see report)
            "{\"apiVersion\": \"machineconfiguration.openshift.io/v1\", \"kind\": \"MachineConfig\","
                + " \"metadata\": {\"name\": \"x\"}, \"spec\": {\"config\": {\"ignition\":"
                + " {\"version\": \"3.2.0\"}, \"storage\": {\"files\": [{\"path\": \""
                + REG
                + "\", \"contents\": {\"source\": \""
                + b64(new byte[2 << 20])
                + "\"}}]}}}}",
            F0 + ".contents.source",
            "larger than the 1 MiB limit for one file"));
    byte[] bomb = Ign.gzip(new byte[64 << 20]); // 64 MiB of zeros in about 64 KB
    rows.add(
        row(
            "gzip bomb",
            mc(
                "3.2.0",
                "{path: "
                    + REG
                    + ", contents: {compression: gzip, source: \""
                    + b64(bomb)
                    + "\"}}"),
            F0 + ".contents.source",
            "decompressed content is larger than the 1 MiB limit"));
    rows.add(
        row(
            "not gzip",
            mc(
                "3.2.0",
                "{path: " + REG + ", contents: {compression: gzip, source: \"data:,plain\"}}"),
            F0 + ".contents.source",
            "not valid gzip: not in gzip format"));
    rows.add(
        row(
            "truncated gzip",
            mc(
                "3.2.0",
                "{path: "
                    + REG
                    + ", contents: {compression: gzip, source: \""
                    + b64(java.util.Arrays.copyOf(Ign.gzip(okBytes), 12))
                    + "\"}}"),
            F0 + ".contents.source",
            "the data ends before the end of the gzip stream"));
    // verification
    rows.add(
        row(
            "hash mismatch",
            mc(
                "3.2.0",
                "{path: "
                    + REG
                    + ", contents: {source: \""
                    + b64(ok)
                    + "\", verification: {hash: sha512-"
                    + sha("SHA-512", new byte[1])
                    + "}}}"),
            F0 + ".contents.verification.hash",
            "content does not match its sha512 hash"));
    rows.add(
        row(
            "hash of the compressed bytes",
            mc(
                "3.2.0",
                "{path: "
                    + REG
                    + ", contents: {compression: gzip, source: \""
                    + b64(Ign.gzip(okBytes))
                    + "\", verification: {hash: sha256-"
                    + sha("SHA-256", Ign.gzip(okBytes))
                    + "}}}"),
            F0 + ".contents.verification.hash",
            "content does not match its sha256 hash"));
    rows.add(
        row(
            "md5 hash",
            mc(
                "3.2.0",
                "{path: "
                    + REG
                    + ", contents: {source: \""
                    + b64(ok)
                    + "\", verification: {hash: md5-00}}}"),
            F0 + ".contents.verification.hash",
            "expected sha512-<128 hex digits> or sha256-<64 hex digits>"));
    // modes and ids
    rows.add(
        row(
            "negative mode",
            mc("3.2.0", "{path: " + REG + ", mode: -1}"),
            F0 + ".mode",
            "must not be negative"));
    rows.add(
        row(
            "mode 07777",
            mc("3.2.0", "{path: " + REG + ", mode: 4095}"),
            F0 + ".mode",
            "cannot exceed 0777"));
    rows.add(
        row(
            "setuid 04755",
            mc("3.2.0", "{path: " + REG + ", mode: 2541}"),
            F0 + ".mode",
            "invalid mode 04755"));
    rows.add(
        row(
            "mode as a string",
            mc("3.2.0", "{path: " + REG + ", mode: \"0644\"}"),
            F0 + ".mode",
            "expected a decimal integer"));
    rows.add(
        row(
            "mode 2^40",
            mc("3.2.0", "{path: " + REG + ", mode: 1099511627776}"),
            F0 + ".mode",
            "expected a decimal integer"));
    rows.add(
        row(
            "uid 2^40",
            mc("3.2.0", "{path: " + REG + ", user: {id: 1099511627776}}"),
            F0 + ".user.id",
            "non-negative integer"));
    rows.add(
        row(
            "uid -1",
            mc("3.2.0", "{path: " + REG + ", user: {id: -1}}"),
            F0 + ".user.id",
            "non-negative integer"));
    rows.add(
        row(
            "gid a string",
            mc("3.2.0", "{path: " + REG + ", group: {id: root}}"),
            F0 + ".group.id",
            "non-negative integer"));
    rows.add(
        row(
            "user name a list",
            mc("3.2.0", "{path: " + REG + ", user: {name: [a]}}"),
            F0 + ".user.name",
            "expected a string"));
    // paths
    rows.add(
        row(
            "outside the managed paths",
            mc("3.2.0", file("/etc/passwd", b64("x"))),
            F0 + ".path",
            ""));
    rows.add(
        row("dot-dot", mc("3.2.0", file("/etc/containers/../shadow", b64("x"))), F0 + ".path", ""));
    // contents: registries.conf and policy.json
    rows.add(
        row(
            "registries.conf nested 1000 deep",
            mc("3.2.0", file(DROP_IN, b64("a = " + "[".repeat(1000) + "]".repeat(1000)))),
            "",
            "nested deeper than 32 levels"));
    rows.add(
        row(
            "registries.conf with a 100 KiB string",
            mc(
                "3.2.0",
                file(
                    REG, b64("unqualified-search-registries = [\"" + "a".repeat(100_000) + "\"]"))),
            "",
            "a string longer than 64 KiB"));
    rows.add(
        row(
            "registries.conf with NUL",
            mc("3.2.0", file(REG, b64("a = \"\u0000\""))),
            "",
            "toml: line 1"));
    rows.add(
        row(
            "registries.conf not UTF-8",
            mc("3.2.0", file(REG, b64(new byte[] {'#', (byte) 0xc3, '('}))),
            "",
            "not valid UTF-8"));
    rows.add(
        row(
            "registries.conf duplicate key",
            mc(
                "3.2.0",
                file(
                    REG,
                    b64("short-name-mode = \"enforcing\"\nshort-name-mode = \"permissive\"\n"))),
            "",
            "has already been defined"));
    rows.add(
        row(
            "policy.json not JSON",
            mc("3.2.0", file("/etc/containers/policy.json", b64("{\"default\": ["))),
            "",
            "/etc/containers/policy.json"));
    return rows.stream();
  }

  static Arguments row(String name, String text, String field, String message) {
    return Arguments.of(name, text, field, message);
  }

  /** Every problem of the whole read path, as the CLI prints them. */
  static List<Problem> problems(String text) {
    try {
      MachineConfigDocument doc = MachineConfigReader.parse(text, "mc.yaml");
      IgnitionDecoder.Decoded decoded = IgnitionDecoder.check(doc, ManagedPaths.DEFAULT);
      return ContentValidator.check(decoded.files()).stream().filter(Problem::isError).toList();
    } catch (InvalidConfigException e) {
      return e.problems().stream().filter(Problem::isError).toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void isRefusedWithItsOwnReason(String name, String text, String field, String message) {
    List<Problem> problems = problems(text);
    assertThat(problems).as("problems of %s", name).isNotEmpty();
    assertThat(problems)
        .as("problems of %s", name)
        .anySatisfy(
            p -> {
              assertThat(p.field()).contains(field);
              assertThat(p.toString()).contains(message);
            });
    assertThat(problems)
        .allSatisfy(
            p ->
                assertThat(p.toString())
                    .doesNotContain("Exception", "java.", "com.fasterxml", "org.yaml")
                    .hasSizeLessThanOrEqualTo(Problem.MAX_LINE));
  }

  @Test
  void aMatchingHashOverTheDecompressedContentIsAccepted() throws Exception {
    byte[] content =
        "unqualified-search-registries = [\"docker.io\"]\n".getBytes(StandardCharsets.UTF_8);
    for (String hash :
        List.of(
            "sha512-" + sha("SHA-512", content),
            "sha256-" + sha("SHA-256", content).toUpperCase())) {
      String text =
          mc(
              "3.2.0",
              "{path: "
                  + REG
                  + ", contents: {compression: gzip, source: \""
                  + b64(Ign.gzip(content))
                  + "\", verification: {hash: "
                  + hash
                  + "}}}");
      assertThat(problems(text)).as(hash).isEmpty();
      assertThat(
              IgnitionDecoder.decode(
                      MachineConfigReader.parse(text, "mc.yaml"), ManagedPaths.DEFAULT)
                  .files())
          .singleElement()
          .satisfies(f -> assertThat(f.content()).isEqualTo(content));
    }
  }

  @Test
  void controlCharactersInAPathAreEscapedInTheMessage() {
    String text = mc("3.2.0", file("/etc/containers/\\u001b[2J\\u202eevil", b64("x")));
    assertThat(problems(text))
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.toString())
                    .doesNotContain("\u001b", "\u202e")
                    .contains("\\x1b[2J", "\\u202eevil"));
  }
}
