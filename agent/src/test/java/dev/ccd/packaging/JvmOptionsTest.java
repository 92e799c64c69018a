package dev.ccd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * agent/src/main/jvm/ccd.jvmopts is the one list of JVM flags: the systemd units and the DaemonSet
 * carry exactly its flags, and the launcher reads it instead of holding a copy.
 */
class JvmOptionsTest {
  static final Path REPO = Path.of("..");

  static List<String> flags() throws IOException {
    return JvmOptionsFile.read(JvmOptionsFile.FROM_MODULE);
  }

  @Test
  void theFileHoldsOnlyFlagsAndBoundsHeapMetaspaceAndCodeCache() throws IOException {
    assertThat(flags())
        .allSatisfy(f -> assertThat(f).startsWith("-"))
        .doesNotHaveDuplicates()
        .anyMatch(f -> f.startsWith("-Xmx"))
        .anyMatch(f -> f.startsWith("-XX:MaxMetaspaceSize="))
        .anyMatch(f -> f.startsWith("-XX:ReservedCodeCacheSize="))
        .contains("-XX:+UseSerialGC");
  }

  static Stream<Path> javaUnits() throws IOException {
    try (Stream<Path> s = Files.list(REPO.resolve("systemd"))) {
      List<Path> units = s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
      assertThat(units).as("systemd/*.service").isNotEmpty();
      return units.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("javaUnits")
  void eachSystemdUnitRunsJavaWithExactlyTheFlagsOfTheFile(Path unit) throws IOException {
    List<List<String>> javaCommands = new ArrayList<>();
    for (String line : logicalLines(Files.readString(unit))) {
      if (line.startsWith("ExecStart=")) {
        List<String> words = Arrays.asList(line.substring("ExecStart=".length()).split("\\s+"));
        if (words.get(0).endsWith("/java")) {
          javaCommands.add(words);
        }
      }
    }
    assertThat(javaCommands).as("%s: ExecStart lines that run java", unit).hasSize(1);
    List<String> words = javaCommands.get(0);
    assertThat(words).as("%s: ExecStart runs a jar", unit).contains("-jar");
    assertThat(words.subList(1, words.indexOf("-jar")))
        .as("%s: the flags between java and -jar", unit)
        .containsExactlyElementsOf(flags());
  }

  @Test
  void theDaemonSetGivesTheAgentExactlyTheFlagsOfTheFile() throws IOException {
    DaemonSet ds = (DaemonSet) ManifestsTest.objects("daemonset.yaml").get(0);
    Container agent = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<EnvVar> options =
        agent.getEnv().stream().filter(e -> e.getName().equals("JDK_JAVA_OPTIONS")).toList();
    assertThat(options).as("the agent container's JDK_JAVA_OPTIONS").hasSize(1);
    assertThat(JvmOptionsFile.parse(options.get(0).getValue())).containsExactlyElementsOf(flags());
    assertThat(agent.getCommand()).as("the image's java command, not another one").isNullOrEmpty();
  }

  @Test
  void theControllerGetsExactlyTheFlagsOfTheFileToo() throws IOException {
    var deployment =
        (io.fabric8.kubernetes.api.model.apps.Deployment)
            ManifestsTest.objects("controller.yaml").get(0);
    Container controller = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<EnvVar> options =
        controller.getEnv().stream().filter(e -> e.getName().equals("JDK_JAVA_OPTIONS")).toList();
    assertThat(options).as("the controller container's JDK_JAVA_OPTIONS").hasSize(1);
    assertThat(JvmOptionsFile.parse(options.get(0).getValue())).containsExactlyElementsOf(flags());
  }

  @Test
  void everyFlagHasItsRowWithTheMeasurementInThePerformanceDocument() throws IOException {
    String doc = Files.readString(REPO.resolve("docs/performance.md"));
    String table = doc.substring(doc.indexOf("### The flags, each with its measurement"));
    table = table.substring(0, table.indexOf("\n### ", 1));
    for (String flag : flags()) {
      assertThat(table)
          .as("docs/performance.md, \"The flags\": a row for %s", flag)
          .containsPattern("\\| `" + Pattern.quote(flag) + "` \\| [^|]*\\d");
    }
  }

  /** Measured outside heap, metaspace and code cache: docs/performance.md, Memory. */
  static final long MEASURED_REST_MIB = 57;

  @Test
  void theDaemonSetsMemoryLimitHoldsWhatTheFlagsAllow() throws IOException {
    DaemonSet ds = (DaemonSet) ManifestsTest.objects("daemonset.yaml").get(0);
    Container agent = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
    long bound =
        mib(flag("-Xmx"))
            + mib(flag("-XX:MaxMetaspaceSize="))
            + mib(flag("-XX:ReservedCodeCacheSize="))
            + MEASURED_REST_MIB;
    long limit =
        Quantity.getAmountInBytes(agent.getResources().getLimits().get("memory")).longValueExact()
            >> 20;
    assertThat(limit)
        .as("memory limit (MiB) against the flags' bound")
        .isGreaterThanOrEqualTo(bound);
    long request =
        Quantity.getAmountInBytes(agent.getResources().getRequests().get("memory")).longValueExact()
            >> 20;
    assertThat(request).as("memory request (MiB)").isLessThan(limit);
  }

  private static String flag(String prefix) throws IOException {
    return flags().stream()
        .filter(f -> f.startsWith(prefix))
        .map(f -> f.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " in ccd.jvmopts"));
  }

  private static long mib(String size) {
    assertThat(size).as("a size in m").endsWith("m");
    return Long.parseLong(size.substring(0, size.length() - 1));
  }

  @Test
  void theLauncherReadsTheFileAndHoldsNoCopyOfItsFlags() throws IOException {
    String launcher = Files.readString(REPO.resolve("ccd"));
    assertThat(launcher).contains("agent/src/main/jvm/ccd.jvmopts");
    for (String flag : flags()) {
      assertThat(launcher).as("the launcher repeats %s", flag).doesNotContain(flag);
    }
  }

  static Stream<Object[]> files() {
    return Stream.of(
        new Object[] {"", List.of()},
        new Object[] {"# only a comment\n\n", List.of()},
        new Object[] {"-Xmx1m\n", List.of("-Xmx1m")},
        new Object[] {"-Xmx1m # why\n  -Xss1m\t-Xms1m\n", List.of("-Xmx1m", "-Xss1m", "-Xms1m")},
        new Object[] {"#-Xmx1m\n-XX:+UseSerialGC", List.of("-XX:+UseSerialGC")});
  }

  @ParameterizedTest
  @MethodSource("files")
  void parsesFlagsAndSkipsCommentsAndBlankLines(String text, List<String> expected) {
    assertThat(JvmOptionsFile.parse(text)).containsExactlyElementsOf(expected);
  }

  /** Unit file lines with backslash continuations joined, as systemd reads them. */
  static List<String> logicalLines(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        lines.add(current.append(line).toString().trim());
        current.setLength(0);
      }
    }
    return lines;
  }
}
