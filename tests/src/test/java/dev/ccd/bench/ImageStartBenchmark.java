package dev.ccd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.image.CcdImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a timed test: builds the image as ImageIT does, prints its size, and times whole {@code
 * podman run --rm --network=none --read-only ccd --version} runs (each a new container and a new
 * JVM), with the image's AppCDS archive and with {@code -Xshare:off}, interleaved, beside a run of
 * the Debian base's {@code true} (podman's own cost). Results: stdout and {@code
 * tests/target/bench-image.txt}; numbers in docs/performance.md ("Image").
 */
@Tag("benchmark")
class ImageStartBenchmark {
  static final int ROUNDS = Integer.getInteger("ccd.bench.rounds", 10);

  @Test
  void sizeAndStartTime() throws Exception {
    CcdImage.build();
    String size =
        CcdImage.podman(List.of("image", "inspect", "--format", "{{.Size}}", CcdImage.TAG), 60)
            .out()
            .trim();
    Map<String, List<String>> variants = new LinkedHashMap<>();
    variants.put(
        "podman run of the Debian base's true (podman alone)",
        List.of(
            "run",
            "--rm",
            "--network=none",
            "--read-only",
            "localhost/debian-base:bookworm",
            "true"));
    variants.put(
        "ccd --version, AppCDS archive (the image's default)",
        List.of("run", "--rm", "--network=none", "--read-only", CcdImage.TAG, "--version"));
    variants.put(
        "ccd --version, -Xshare:off (no class data sharing)",
        List.of(
            "run",
            "--rm",
            "--network=none",
            "--read-only",
            "-e",
            "JDK_JAVA_OPTIONS=-Xshare:off",
            CcdImage.TAG,
            "--version"));
    Map<String, List<Long>> millis = new LinkedHashMap<>();
    variants.keySet().forEach(k -> millis.put(k, new ArrayList<>()));
    for (int round = 0; round <= ROUNDS; round++) {
      for (Map.Entry<String, List<String>> v : variants.entrySet()) {
        long start = System.nanoTime();
        CcdImage.Run r = CcdImage.podman(v.getValue(), 120);
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.rc()).as(r.out()).isZero();
        if (round > 0) { // round 0 warms the page cache and podman's storage
          millis.get(v.getKey()).add(took);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "image %s: %.1f MB (%s bytes)%n", CcdImage.TAG, Long.parseLong(size) / 1e6, size));
    out.append(String.format("whole podman run, %d interleaved rounds, ms%n", ROUNDS));
    millis.forEach(
        (k, v) -> {
          List<Long> s = v.stream().sorted().toList();
          out.append(
              String.format(
                  "  %-55s median %5d  min %5d  max %5d%n",
                  k, s.get(s.size() / 2), s.get(0), s.get(s.size() - 1)));
        });
    System.out.print(out);
    Files.writeString(Path.of("target", "bench-image.txt"), out);
  }
}
