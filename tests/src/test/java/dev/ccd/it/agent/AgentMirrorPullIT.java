package dev.ccd.it.agent;

import static dev.ccd.it.agent.AgentBed.POLICY;
import static dev.ccd.it.agent.AgentBed.REGISTRIES_CONF;
import static dev.ccd.it.agent.AgentBed.file;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.it.support.SystemdSandbox;
import dev.ccd.kube.ConfigState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real consumer of the files: after the agent is Done, skopeo (containers/image, as crio) reads
 * the written registries.conf and pulls through a local mirror (a real registry) while the source
 * nvcr.io is blocked, by tag and by digest. Whole-file layout: skopeo has no flag for a drop-in
 * directory beside {@code --registries-conf}.
 */
class AgentMirrorPullIT {

  @RegisterExtension static final SystemdSandbox SANDBOX = new SystemdSandbox();

  private static final Path REGISTRY_DIR =
      Path.of("target", "image-registry-AgentMirrorPullIT").toAbsolutePath();
  private static String registry;
  private static String digest;

  @BeforeAll
  static void startRegistry() throws Exception {
    Files.createDirectories(REGISTRY_DIR);
    String last = "";
    for (int attempt = 0; attempt < 5 && registry == null; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Run r = run(List.of(script(), "start", REGISTRY_DIR.toString(), String.valueOf(port)), null);
      if (r.code() == 0) {
        registry = r.out().strip();
      } else if (!r.out().contains("already listens")) {
        throw new IllegalStateException("image-registry start failed: " + r.out());
      }
      last = r.out();
    }
    assertThat(registry).as("registry address; last output %s", last).startsWith("127.0.0.1:");
    Run push =
        run(List.of(script(), "push", REGISTRY_DIR.toString(), "nvidia/nvidia/tiny:1"), null);
    assertThat(push.code()).as("push: %s", push.out()).isZero();
    digest =
        push.out().lines().filter(l -> l.startsWith("sha256:")).reduce((a, b) -> b).orElseThrow();
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    run(List.of(script(), "stop", REGISTRY_DIR.toString()), null);
  }

  @Test
  void skopeoPullsThroughTheMirrorTheAgentConfigured() throws Exception {
    try (AgentBed bed = new AgentBed(SANDBOX, "mirror-pull")) {
      String conf =
          "[[registry]]\n"
              + "prefix = \"nvcr.io\"\n"
              + "location = \"nvcr.io\"\n"
              + "blocked = true\n\n"
              + "[[registry.mirror]]\n"
              + "location = \""
              + registry
              + "/nvidia\"\n"
              + "insecure = true\n";
      String policy = "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n";
      String name =
          bed.createConfig(
              "rendered-worker-mirror", List.of(file(REGISTRIES_CONF, conf), file(POLICY, policy)));
      bed.startAgent();
      bed.desire(name);
      bed.awaitState(ConfigState.DONE, name);
      assertThat(bed.read(REGISTRIES_CONF)).isEqualTo(conf.getBytes(UTF_8));
      assertThat(bed.crioActions()).containsExactly("reload");

      Path home = Files.createDirectories(bed.root().resolveSibling("mirror-pull-home"));
      AgentBed.deleteTree(home.resolve(".config"));
      List<String> skopeo =
          List.of(
              "skopeo",
              "--registries-conf",
              bed.host(REGISTRIES_CONF).toString(),
              "--registries.d",
              bed.host("/etc/containers/registries.d").toString(),
              "--policy",
              bed.host(POLICY).toString(),
              "inspect",
              "--raw");

      for (String ref :
          List.of("docker://nvcr.io/nvidia/tiny:1", "docker://nvcr.io/nvidia/tiny@" + digest)) {
        Run r = run(with(skopeo, ref), home);
        assertThat(r.code()).as("skopeo inspect %s: %s", ref, r.out()).isZero();
        assertThat("sha256:" + sha256(r.bytes()))
            .as("manifest digest of %s", ref)
            .isEqualTo(digest);
      }
      Run missing = run(with(skopeo, "docker://nvcr.io/nvidia/absent:1"), home);
      assertThat(missing.code()).isNotZero();
      assertThat(missing.out())
          .as("the source is never tried")
          .contains("registry nvcr.io is blocked", registry + "/nvidia/nvidia/absent:1");
    }
  }

  private static List<String> with(List<String> cmd, String arg) {
    List<String> all = new ArrayList<>(cmd);
    all.add(arg);
    return all;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String script() {
    return Path.of(System.getProperty("ccd.testbed"), "image-registry").toString();
  }

  private record Run(int code, byte[] bytes, String out) {}

  /** Runs a command (HOME = {@code home} when given); stdout kept as bytes, stderr appended. */
  private static Run run(List<String> cmd, Path home) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Path err = Files.createTempFile(REGISTRY_DIR, "stderr", ".txt");
    pb.redirectError(err.toFile());
    if (home != null) {
      pb.environment().put("HOME", home.toString());
      pb.environment().remove("XDG_CONFIG_HOME");
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    String text = new String(out, UTF_8) + Files.readString(err);
    Files.delete(err);
    return new Run(p.exitValue(), out, text);
  }
}
