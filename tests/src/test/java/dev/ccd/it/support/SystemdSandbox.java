package dev.ccd.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts a real systemd (shared/testbed/systemd-sandbox) for one test class
 * in {@code target/systemd-sandbox-<Class>} and always stops it. Register it as a static field.
 */
public final class SystemdSandbox implements BeforeAllCallback, AfterAllCallback {

  private final String suffix;
  private Path dir;
  private String address;
  private Thread shutdownHook;

  /** One sandbox for the class, in {@code target/systemd-sandbox-<Class>}. */
  public SystemdSandbox() {
    this("");
  }

  /**
   * A second (third…) sandbox for the same class, in {@code target/systemd-sandbox-<Class>-<name>},
   * for tests that run several roots in parallel and count each one's crio actions apart.
   */
  public SystemdSandbox(String name) {
    this.suffix = name.isEmpty() ? "" : "-" + name;
  }

  /** The D-Bus address of the sandbox's system bus, as printed by {@code start}. */
  public String address() {
    return address;
  }

  /** The sandbox directory (crio.log, crio.fail and the other flags live here). */
  public Path dir() {
    return dir;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    RootGuard.requireRootOrSkip("systemd-sandbox");
    dir =
        Path.of(
                "target",
                "systemd-sandbox-" + context.getRequiredTestClass().getSimpleName() + suffix)
            .toAbsolutePath();
    Files.createDirectories(dir);
    Process p =
        new ProcessBuilder(script().toString(), "start", dir.toString(), lifetimeSeconds())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0 || !out.startsWith("unix:")) {
      throw new IllegalStateException(
          "systemd-sandbox start " + dir + " failed (stderr above), printed: " + out);
    }
    address = out;
    shutdownHook = new Thread(this::stopQuietly, "systemd-sandbox-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (dir == null || address == null) {
      return;
    }
    int rc = stop();
    Runtime.getRuntime().removeShutdownHook(shutdownHook);
    if (rc != 0) {
      throw new IllegalStateException("systemd-sandbox stop " + dir + " exited " + rc);
    }
  }

  private int stop() throws IOException, InterruptedException {
    // stdout only says "stopped"; writing it to the forked JVM's own stdout corrupts Failsafe's
    // channel, so it is dropped and errors still reach the log.
    return new ProcessBuilder(script().toString(), "stop", dir.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start()
        .waitFor();
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (IOException | InterruptedException e) {
      System.err.println("systemd-sandbox stop " + dir + " failed: " + e);
    }
  }

  /**
   * How long the sandbox may live before it kills itself (a forgotten one must not linger): {@code
   * -Dccd.sandbox.seconds}, 900 by default. A longer run (the reliability-long profile's 10,000
   * kills) needs more, or its crio calls meet a dead bus after 15 minutes.
   */
  static String lifetimeSeconds() {
    String s = System.getProperty("ccd.sandbox.seconds", "");
    return s.isBlank() ? "900" : String.valueOf(Long.parseLong(s.strip()));
  }

  /** The test bed's {@code systemd-job}: one reload/restart job over D-Bus, as a process. */
  public static Path systemdJob() {
    return Testbed.path().resolve("systemd-job");
  }

  private static Path script() {
    return Testbed.path().resolve("systemd-sandbox");
  }

  /**
   * Where shared/testbed is: system property ccd.testbed (set by Failsafe from ccd.testbed.dir).
   */
  static final class Testbed {
    private Testbed() {}

    static Path path() {
      String p = System.getProperty("ccd.testbed");
      if (p == null || !Files.isDirectory(Path.of(p))) {
        throw new IllegalStateException(
            "test bed not found at ccd.testbed="
                + p
                + "; run through Failsafe, with -Dccd.testbed.dir=/path/to/shared/testbed if"
                + " shared/ does not sit beside the repository");
      }
      return Path.of(p).toAbsolutePath().normalize();
    }
  }
}
