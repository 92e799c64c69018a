package dev.ccd.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.support.AgentKubeconfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccd agent} names its API server and where it came from, and fails fast when it can. */
class AgentKubeconfigIT {
  static final Path JAR = Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar"));

  @TempDir Path root;
  @TempDir Path work;

  ProcessBuilder agent(String... extra) {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of("java", "-jar", JAR.toString(), "agent", "--node", "n", "--root"));
    cmd.add(root.toString());
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CCD_LOG_FORMAT", "text");
    pb.environment().remove("KUBERNETES_SERVICE_HOST");
    // ~ as the JVM (and fabric8) see it: user.home, which Java takes from the password file.
    pb.environment().put("JDK_JAVA_OPTIONS", "-Duser.home=" + work);
    // No system bus in root: the agent stops there, after the lines under test.
    pb.environment().put("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + work.resolve("no-bus"));
    return pb;
  }

  static String run(ProcessBuilder pb, int exit) throws Exception {
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(exit);
    return out;
  }

  /**
   * How long {@code ccd --version} takes here and now: the JVM's start on this machine under its
   * present load, the part of every run below that is not the agent's own waiting.
   */
  long jvmStartMillis() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("java", "-jar", JAR.toString(), "--version").redirectErrorStream(true);
    pb.environment().put("JDK_JAVA_OPTIONS", "-Duser.home=" + work);
    long start = System.nanoTime();
    run(pb, 0);
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void kubeconfigNamingAMissingFileIsOneLineAndExitTwoAtOnce() throws Exception {
    long jvm = jvmStartMillis();
    ProcessBuilder pb = agent();
    pb.environment().put("KUBECONFIG", "/nonexistent");
    long start = System.nanoTime();

    String out = run(pb, 2);

    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(out.lines().filter(l -> !l.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")))
        .containsExactly("agent: KUBECONFIG=/nonexistent: no such file /nonexistent");
    System.out.println(
        "KUBECONFIG=/nonexistent: exit 2 after " + millis + " ms; ccd --version " + jvm + " ms");
    assertThat(millis - jvm).as("fails before any network wait").isLessThan(3_000);
  }

  @Test
  void anUnreachableServerIsNamedWithItsSourceWithinSeconds() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String url = "https://127.0.0.1:" + closed;
    long jvm = jvmStartMillis();
    Path kubeconfig = AgentKubeconfig.write(work.resolve("kubeconfig"), url);
    ProcessBuilder pb = agent("--kubeconfig", kubeconfig.toString());
    long start = System.nanoTime();

    String out = run(pb, 1);

    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(out)
        .contains("API server " + url + "/ (from --kubeconfig " + kubeconfig + ")")
        .contains(
            "API server "
                + url
                + "/ (from --kubeconfig "
                + kubeconfig
                + ") is not reachable: connection refused");
    System.out.println(
        "unreachable server: named after " + millis + " ms; ccd --version " + jvm + " ms");
    assertThat(millis - jvm).as("named within seconds, not after a long wait").isLessThan(6_000);

    Files.createDirectories(work.resolve(".kube"));
    Files.copy(kubeconfig, work.resolve(".kube/config"));
    String fromHome = run(agent(), 1);
    assertThat(fromHome).contains("(from " + work.resolve(".kube/config") + ") is not reachable");
  }
}
