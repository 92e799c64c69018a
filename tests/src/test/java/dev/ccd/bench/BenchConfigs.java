package dev.ccd.bench;

import dev.ccd.registries.Mirror;
import dev.ccd.registries.PullFromMirror;
import dev.ccd.registries.RegistriesConf;
import dev.ccd.registries.RegistriesToml;
import dev.ccd.registries.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deterministic registries.conf files for the benchmark: {@code n} registries mixing exact hosts,
 * nested namespaces and wildcards, a third blocked, most with digest/tag mirrors; and images that
 * hit them (and some that match nothing).
 */
final class BenchConfigs {
  private BenchConfigs() {}

  static final String DIGEST = "sha256:" + "a".repeat(64);

  static String prefix(int i) {
    return switch (i % 10) {
      case 0 -> "*.d" + i + ".example.com";
      case 1, 2, 3, 4 -> "host" + i + ".example.com";
      default -> "host" + (i % 500) + ".example.com/ns" + i + "/team";
    };
  }

  static String config(int n) {
    List<Registry> registries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String prefix = prefix(i);
      boolean wildcard = prefix.startsWith("*.");
      List<Mirror> mirrors = new ArrayList<>();
      for (int k = 0; k < i % 4; k++) {
        PullFromMirror pfm =
            k == 0
                ? PullFromMirror.DIGEST_ONLY
                : k == 1 ? PullFromMirror.TAG_ONLY : PullFromMirror.ALL;
        mirrors.add(new Mirror("127.0.0.1:5000/m" + i + "-" + k, k == 2, pfm));
      }
      registries.add(
          new Registry(
              wildcard ? prefix : "", wildcard ? "" : prefix, false, i % 3 == 0, false, mirrors));
    }
    RegistriesConf conf =
        new RegistriesConf(
            Optional.of(List.of("registry.access.redhat.com", "docker.io")),
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            registries);
    return RegistriesToml.write(
        conf, List.of("generated for RegistriesBench: " + n + " registries"));
  }

  /** 64 images: most under some prefix (tags and digests), every eighth under none. */
  static List<String> images(int n) {
    List<String> images = new ArrayList<>();
    for (int j = 0; j < 64; j++) {
      String tail = j % 2 == 0 ? ":1" : "@" + DIGEST;
      if (j % 8 == 7) {
        images.add("unmatched" + j + ".example.org/app" + tail);
        continue;
      }
      String prefix = prefix((int) ((j * 7919L) % n));
      if (prefix.startsWith("*.")) {
        prefix = "x" + prefix.substring(1);
      }
      images.add(prefix + "/app/sub" + tail);
    }
    return images;
  }
}
