package dev.ccd.it.registries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccd.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ccd explain}'s short-name answer against a real peer: podman's {@code pull}, which
 * resolves short names with containers/image {@code shortnames.Resolve}, the code CRI-O calls.
 * Three local registries on 127.0.0.1; the image is pushed to the second only; each case is a
 * registries.conf ({@code CONTAINERS_REGISTRIES_CONF}, private storage under target/, stdin not a
 * terminal as for CRI-O) and compares the order podman tried ("Trying to pull" lines) and where it
 * pulled from, or its refusal, with ccd's candidates and refusal.
 */
class ShortNameDifferentialIT {
  private static final Path DIR =
      Path.of("target", "short-names-ShortNameDifferentialIT").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TRYING = Pattern.compile("^Trying to pull (\\S+)\\.\\.\\.$");
  private static final String IMAGE = "tiny:1";

  /** Registries a, b, c; the image is in b only. */
  private static final List<String> REGISTRIES = new ArrayList<>();

  private static int caseNumber;

  @BeforeAll
  static void registries() throws Exception {
    Files.createDirectories(DIR);
    for (String name : List.of("a", "b", "c")) {
      String address = null;
      String last = "";
      for (int attempt = 0; attempt < 5 && address == null; attempt++) {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
          port = s.getLocalPort();
        }
        Run r = run(List.of(script(), "start", DIR.resolve(name).toString(), "" + port));
        if (r.code() == 0) {
          address = r.out().strip();
        } else if (!r.out().contains("already listens")) {
          throw new IllegalStateException("image-registry start failed: " + r.out());
        }
        last = r.out();
      }
      assertThat(address).as("registry %s; last output %s", name, last).startsWith("127.0.0.1:");
      REGISTRIES.add(address);
    }
    Run push = run(List.of(script(), "push", DIR.resolve("b").toString(), IMAGE));
    assertThat(push.code()).as("push: %s", push.out()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    for (String name : List.of("a", "b", "c")) {
      run(List.of(script(), "stop", DIR.resolve(name).toString()));
    }
  }

  static String a() {
    return REGISTRIES.get(0);
  }

  static String b() {
    return REGISTRIES.get(1);
  }

  static String c() {
    return REGISTRIES.get(2);
  }

  /** The registries.conf of a case: a mode, search registries, extra TOML; all insecure (HTTP). */
  static String conf(String mode, List<String> search, String extra) {
    StringBuilder s = new StringBuilder();
    s.append("short-name-mode = \"").append(mode).append("\"\n");
    s.append("unqualified-search-registries = [")
        .append(String.join(", ", search.stream().map(r -> "\"" + r + "\"").toList()))
        .append("]\n");
    s.append(extra);
    for (String r : REGISTRIES) {
      if (!extra.contains("location = \"" + r + "\"")) {
        s.append("[[registry]]\nlocation = \"").append(r).append("\"\ninsecure = true\n");
      }
    }
    return s.toString();
  }

  /** What podman did: the references it tried in order, and the error if none was pulled. */
  record Pulled(List<String> tried, Optional<String> error) {}

  /** What ccd explain says: the candidates in order, and its refusal. */
  record Explained(List<String> candidates, Optional<String> refusal) {}

  static Pulled podman(Path conf) throws Exception {
    Path store = DIR.resolve("storage-" + (++caseNumber));
    deleteTree(store); // podman's database remembers the runroot of an earlier run
    // podman refuses a runroot path longer than 50 characters: a short one, removed afterwards
    Path runroot = Files.createTempDirectory(Path.of("/tmp"), "ccd-sn-run");
    ProcessBuilder pb =
        new ProcessBuilder(
            "podman",
            "--root",
            store.resolve("root").toString(),
            "--runroot",
            runroot.toString(),
            "--storage-driver",
            "vfs",
            "pull",
            IMAGE);
    pb.environment().put("CONTAINERS_REGISTRIES_CONF", conf.toString());
    // No short-name alias cache or user config of this machine may take part.
    pb.environment().put("HOME", store.toString());
    pb.environment().remove("XDG_CONFIG_HOME");
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Run r;
    try {
      r = run(pb);
    } finally {
      deleteTree(runroot);
    }
    List<String> tried = new ArrayList<>();
    for (String line : r.out().lines().toList()) {
      Matcher m = TRYING.matcher(line.strip());
      if (m.matches()) {
        tried.add(m.group(1));
      }
    }
    Optional<String> error =
        r.code() == 0
            ? Optional.empty()
            : Optional.of(
                r.out().lines().filter(l -> l.startsWith("Error: ")).findFirst().orElse(r.out()));
    return new Pulled(tried, error);
  }

  static Explained ccd(Path conf) throws Exception {
    StringWriter out = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    Path noDropIns = Files.createDirectories(DIR.resolve("no-drop-ins"));
    cli.execute(
        "explain",
        "--registries-conf",
        conf.toString(),
        "--dropin-dir",
        noDropIns.toString(),
        "-o",
        "json",
        IMAGE);
    JsonNode shortName = JSON.readTree(out.toString()).get(0).get("shortName");
    assertThat(shortName).as("ccd explain treats %s as a short name: %s", IMAGE, out).isNotNull();
    List<String> candidates = new ArrayList<>();
    shortName.get("candidates").forEach(n -> candidates.add(n.asText()));
    JsonNode refusal = shortName.get("refusal");
    return new Explained(
        candidates, refusal.isNull() ? Optional.empty() : Optional.of(refusal.asText()));
  }

  /** Runs one case through both and checks they agree; returns both for case-specific checks. */
  static Explained compare(String name, String confText) throws Exception {
    Path conf = DIR.resolve(name + ".conf");
    Files.writeString(conf, confText);
    Pulled pulled = podman(conf);
    Explained explained = ccd(conf);
    System.out.println(name + ": podman " + pulled + "; ccd " + explained);
    if (pulled.error().isPresent()) {
      assertThat(explained.refusal())
          .as("%s: podman refused (%s); ccd must say it is refused", name, pulled.error().get())
          .isPresent();
      // the same refusal: CRI-O words containers/image's "cannot prompt" as an ambiguous list
      assertThat(pulled.error().get())
          .as("%s: podman's error is the refusal ccd names (%s)", name, explained.refusal().get())
          .contains(
              explained.refusal().get().contains("ambiguous list")
                  ? "short-name resolution enforced but cannot prompt without a TTY"
                  : "did not resolve to an alias and no unqualified-search registries are"
                      + " defined");
    } else {
      assertThat(explained.refusal()).as("%s: podman pulled; ccd must not refuse", name).isEmpty();
      assertThat(pulled.tried())
          .as(
              "%s: podman tried ccd's candidates in ccd's order, stopping at the one that has it",
              name)
          .isNotEmpty()
          .isEqualTo(explained.candidates().subList(0, pulled.tried().size()));
      assertThat(pulled.tried().get(pulled.tried().size() - 1)).startsWith(b() + "/");
    }
    return explained;
  }

  @Test
  void permissiveTriesTheSearchRegistriesInOrderUntilOneHasTheImage() throws Exception {
    Explained e = compare("permissive", conf("permissive", List.of(a(), c(), b()), ""));
    assertThat(e.candidates()).containsExactly(a() + "/tiny:1", c() + "/tiny:1", b() + "/tiny:1");
  }

  @Test
  void disabledTriesThemInOrderToo() throws Exception {
    compare("disabled", conf("disabled", List.of(c(), b(), a()), ""));
  }

  @Test
  void enforcingWithSeveralCandidatesAndNoTerminalIsRefusedByBoth() throws Exception {
    Explained e = compare("enforcing-ambiguous", conf("enforcing", List.of(a(), b()), ""));
    assertThat(e.refusal()).get().asString().contains("returns ambiguous list");
  }

  @Test
  void enforcingWithOneSearchRegistryIsNotAmbiguous() throws Exception {
    compare("enforcing-single", conf("enforcing", List.of(b()), ""));
  }

  @Test
  void anAliasWinsOverTheSearchRegistriesEvenWhenEnforcing() throws Exception {
    Explained e =
        compare(
            "enforcing-alias",
            conf("enforcing", List.of(a(), c()), "[aliases]\n\"tiny\" = \"" + b() + "/tiny\"\n"));
    assertThat(e.candidates()).containsExactly(b() + "/tiny:1");
  }

  @Test
  void aBlockedSearchRegistryIsStillACandidateThatFails() throws Exception {
    compare(
        "permissive-blocked",
        conf(
            "permissive",
            List.of(a(), b()),
            "[[registry]]\nlocation = \"" + a() + "\"\nblocked = true\ninsecure = true\n"));
  }

  @Test
  void noAliasAndNoSearchRegistriesIsRefusedByBoth() throws Exception {
    compare("permissive-none", conf("permissive", List.of(), ""));
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  record Run(int code, String out) {}

  static Run run(List<String> cmd) throws IOException, InterruptedException {
    return run(new ProcessBuilder(cmd));
  }

  static Run run(ProcessBuilder pb) throws IOException, InterruptedException {
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", pb.command()).isTrue();
    return new Run(p.exitValue(), out);
  }

  private static String script() {
    return Path.of(System.getProperty("ccd.testbed"), "image-registry").toString();
  }
}
