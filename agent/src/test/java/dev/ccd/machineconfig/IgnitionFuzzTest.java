package dev.ccd.machineconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.registries.Problem;
import dev.ccd.testing.Mutations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing of the MachineConfig reader, the Ignition decoder and data URLs: only {@link
 * InvalidConfigException} (or, from {@link DataUrl#decode}, its documented
 * IllegalArgumentException) may escape, and every data URL round-trips. See {@code ParsersFuzzTest}
 * for tries.
 */
class IgnitionFuzzTest {
  // Generous: the first try also loads and compiles the parsers; a quadratic input takes minutes.
  static final Duration SLOW = Duration.ofSeconds(5);

  @Provide
  Arbitrary<String> machineConfigs() throws Exception {
    String example = Files.readString(Path.of("../examples/99-worker-generated-registries.yaml"));
    String gz =
        Base64.getEncoder()
            .encodeToString(Ign.gzip("short-name-mode = \"enforcing\"\n".getBytes()));
    return Mutations.of(
        List.of(
            example,
            """
            apiVersion: machineconfiguration.openshift.io/v1
            kind: MachineConfig
            metadata: {name: 99-x, labels: {a: b}}
            spec:
              config:
                ignition: {version: 3.4.0}
                storage:
                  files:
                  - path: /etc/containers/registries.conf.d/50-a.conf
                    mode: 420
                    user: {id: 0}
                    overwrite: true
                    contents:
                      compression: gzip
                      source: "data:;base64,%s"
                      verification: {hash: "sha256-%s"}
                  - {path: /etc/containers/policy.json, contents: {source: "data:,%%7B%%7D"}}
            """
                .formatted(gz, "0".repeat(64))));
  }

  @Property
  void readAndDecodeThrowOnlyInvalidConfig(@ForAll("machineConfigs") String text) {
    long start = System.nanoTime();
    try {
      MachineConfigDocument doc = MachineConfigReader.parse(text, "fuzz.yaml");
      IgnitionDecoder.Decoded decoded = IgnitionDecoder.check(doc, ManagedPaths.DEFAULT);
      ContentValidator.check(decoded.files());
    } catch (InvalidConfigException e) {
      assertThat(e.problems())
          .isNotEmpty()
          .allSatisfy(
              p ->
                  assertThat(p.toString())
                      .doesNotContain("Exception", "java.", "com.fasterxml", "org.yaml")
                      .hasSizeLessThanOrEqualTo(Problem.MAX_LINE));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLOW);
  }

  @Provide
  Arbitrary<String> dataUrls() {
    return Mutations.of(
        List.of(
            "data:;base64,aGVsbG8K",
            "data:text/plain;charset=utf-8;base64,W1tyZWdpc3RyeV1dCg==",
            "data:,a%20b%0A",
            "data:text/plain,plain"));
  }

  @Property
  void dataUrlDecodeThrowsOnlyIllegalArgument(@ForAll("dataUrls") String url) {
    try {
      DataUrl.decode(url);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("Exception");
    }
  }

  @Property
  void dataUrlsRoundTrip(@ForAll byte[] content) {
    assertThat(DataUrl.decode(DataUrl.encode(content))).isEqualTo(content);
  }

  @Property
  void gzipRoundTripsUpToTheLimit(@ForAll("sizes") int size) throws Exception {
    byte[] content = new byte[size];
    java.util.Arrays.fill(content, (byte) 'x');
    assertThat(IgnitionDecoder.gunzip(Ign.gzip(content))).isEqualTo(content);
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.integers().between(0, IgnitionDecoder.MAX_FILE_BYTES);
  }
}
