package dev.ccd.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first quick-start command, {@code ccd demo}, as a person runs it. */
class DemoProcessIT {
  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));

  @TempDir Path root;

  @Test
  void theDemoRunsTheWholeChainAndEndsWellEvenWithoutRootOrSystemd() throws Exception {
    Process p =
        new ProcessBuilder(
                List.of("java", "-jar", JAR.toString(), "demo", "--root", root.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("ImageDigestMirrorSet/release-mirrors")
        .contains("crio action: drain+reload")
        .contains("changed: /etc/containers/registries.conf.d/99-worker-generated-registries.conf")
        .contains("recorded, not performed")
        .contains("mirror  mirror.corp.example:5000/ocp/release@sha256:")
        .contains("no changes")
        .containsPattern("Working\\s+current=-")
        .containsPattern("Done\\s+current=rendered-worker-")
        .containsPattern(
            "Unreconcilable\\s+current=rendered-worker-.*URI schemes are not supported")
        .contains("ccd_updates_total{result=\"success\"} 1.0");
    theChainRollsOutOneNodeAtATimeAndDrainsOnlyForTagMirrors(out);
    assertThat(
            Files.readString(
                root.resolve(
                    "etc/containers/registries.conf.d/99-worker-generated-registries.conf")))
        .contains("mirror.corp.example:5000/ocp/release");
  }

  static final List<String> NODES = List.of("demo-worker-0", "demo-worker-1", "demo-worker-2");
  static final String DROP_IN =
      "etc/containers/registries.conf.d/99-worker-generated-registries.conf";

  /**
   * Step 9: three nodes, each Done on the last rendered config with the drop-in the local apply
   * wrote from the same mirror sets; never more than maxUnavailable (1) node unavailable in any
   * timeline line; the digest mirror set cordons no node, the tag mirror set cordons, drains,
   * applies and uncordons each node in that order.
   */
  private void theChainRollsOutOneNodeAtATimeAndDrainsOnlyForTagMirrors(String out)
      throws Exception {
    String chain = after(out, "== 9.");
    Matcher unavailable = Pattern.compile("unavailable (\\d)/3").matcher(chain);
    List<Integer> counts = new ArrayList<>();
    while (unavailable.find()) {
      counts.add(Integer.parseInt(unavailable.group(1)));
    }
    assertThat(counts)
        .as(chain)
        .hasSizeGreaterThanOrEqualTo(2 * 3 * NODES.size())
        .allMatch(n -> n <= 1)
        .contains(1);

    String digest = between(chain, "created ImageDigestMirrorSet/", "created ImageTagMirrorSet/");
    String tag = after(chain, "created ImageTagMirrorSet/");
    assertThat(digest)
        .as("a digest-only mirror addition never cordons")
        .doesNotContainPattern("demo-worker-\\d\\s+(cordoned|uncordoned|drained)")
        .doesNotContain("asks drain")
        .contains("nodes cordoned: 0;");
    Matcher last = Pattern.compile("every node Done on (rendered-worker-\\w+)").matcher(tag);
    assertThat(last.find()).as(tag).isTrue();
    String target = last.group(1);
    for (String node : NODES) {
      assertThat(digest).containsPattern(node + "\\s+Done on rendered-worker-");
      assertThat(tag)
          .containsPattern(
              "(?s)"
                  + node
                  + "\\s+agent asks drain.*"
                  + node
                  + "\\s+cordoned.*"
                  + node
                  + "\\s+drained \\(no pods to evict\\).*"
                  + node
                  + "\\s+files applied; agent asks uncordon.*"
                  + node
                  + "\\s+uncordoned")
          .containsPattern(node + "\\s+worker\\s+Done\\s+" + target + "\\s+" + target + "\\s");
      assertThat(Files.readString(root.resolve("nodes").resolve(node).resolve(DROP_IN)))
          .as("node %s has the drop-in the local apply rendered from the same mirror sets", node)
          .isEqualTo(Files.readString(root.resolve(DROP_IN)));
    }
    assertThat(tag).contains("nodes cordoned: 3;");
  }

  private static String after(String text, String marker) {
    int i = text.indexOf(marker);
    assertThat(i).as("%s in %s", marker, text).isNotNegative();
    return text.substring(i);
  }

  private static String between(String text, String from, String to) {
    String rest = after(text, from);
    int j = rest.indexOf(to);
    assertThat(j).as("%s in %s", to, rest).isPositive();
    return rest.substring(0, j);
  }
}
