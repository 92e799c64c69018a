package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ccd explain} end to end over files on disk. */
class ExplainCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = new CommandLine(new ExplainCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private Path setUp() throws IOException {
    Path conf = dir.resolve("registries.conf");
    Files.writeString(
        conf,
        """
        [[registry]]
        location = "example.com"
        blocked = true
        [[registry.mirror]]
        location = "127.0.0.1:1/main"
        """);
    Path confd = Files.createDirectories(dir.resolve("registries.conf.d"));
    Files.writeString(
        confd.resolve("99-worker-generated-registries.conf"),
        """
        [[registry]]
        location = "example.com"
        blocked = true
        [[registry.mirror]]
        location = "127.0.0.1:2/dropin"
        pull-from-mirror = "digest-only"
        [[registry.mirror]]
        location = "127.0.0.1:3/tags"
        insecure = true
        """);
    Files.writeString(confd.resolve("ignored.conf.bak"), "not toml [[[");
    return conf;
  }

  @Test
  void jsonContract() throws IOException {
    Path conf = setUp();
    int code =
        run(
            "--registries-conf",
            conf.toString(),
            "--dropin-dir",
            dir.resolve("registries.conf.d").toString(),
            "-o",
            "json",
            "example.com/foo:1",
            "busybox");
    assertThat(code).as("stderr: %s", err).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json)
        .isEqualTo(
            new ObjectMapper()
                .readTree(
                    """
                    [{"image": "example.com/foo:1",
                      "sources": [
                        {"reference": "127.0.0.1:3/tags/foo:1", "mirror": true, "insecure": true, "blocked": false},
                        {"reference": "example.com/foo:1", "mirror": false, "insecure": false, "blocked": true}],
                      "error": null},
                     {"image": "busybox",
                      "sources": [{"reference": "docker.io/library/busybox:latest", "mirror": false, "insecure": false, "blocked": false}],
                      "shortName": {"mode": "enforcing", "alias": null, "candidates": [],
                        "refusal": "short-name \\"busybox\\" did not resolve to an alias and no unqualified-search registries are defined"},
                      "error": null}]
                    """));
    assertThat(err.toString()).contains("replaces the registry with the same prefix from " + conf);
  }

  @Test
  void textNamesTheRuleFileAndSkippedMirrors() throws IOException {
    Path conf = setUp();
    int code =
        run(
            "--registries-conf",
            conf.toString(),
            "--dropin-dir",
            dir.resolve("registries.conf.d").toString(),
            "example.com/foo:1");
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains(
            "rule: [[registry]] prefix \"example.com\" in "
                + dir.resolve("registries.conf.d/99-worker-generated-registries.conf"))
        .contains("1. 127.0.0.1:3/tags/foo:1  [mirror, insecure]")
        .contains("2. example.com/foo:1  [primary, BLOCKED]")
        .contains("skipped mirror 127.0.0.1:2/dropin: pull-from-mirror=digest-only");
  }

  @Test
  void invalidConfigExitsOneAndPrintsFileAndMessage() throws IOException {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "short-name-mode = \"sometimes\"\n");
    int code =
        run(
            "--registries-conf",
            conf.toString(),
            "--dropin-dir",
            dir.resolve("none").toString(),
            "-o",
            "json",
            "x.io/a:1");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains(conf + ": short-name-mode: invalid short-name mode: \"sometimes\"");
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get(0).get("error").asText())
        .isEqualTo(
            "loading registries configuration \""
                + conf
                + "\": invalid short-name mode: \"sometimes\"");
  }

  @Test
  void missingExplicitFileAndBadImageExitOne() {
    assertThat(run("--registries-conf", dir.resolve("nope.conf").toString(), "x.io/a:1"))
        .isEqualTo(1);
    assertThat(out.toString()).contains("no such file or directory");
    Path empty = dir.resolve("empty.conf");
    assertThat(
            run(
                "--registries-conf",
                empty.toString() + "x",
                "--dropin-dir",
                dir.toString(),
                "UPPER/Case"))
        .isEqualTo(1);
  }

  @Test
  void rewritingErrorIsReported() throws IOException {
    Path conf = dir.resolve("r.conf");
    Files.writeString(
        conf,
        "[[registry]]\nlocation=\"example.com\"\n[[registry.mirror]]\nlocation=\"127.0.0.1:1/m\"\n");
    int code =
        run(
            "--registries-conf",
            conf.toString(),
            "--dropin-dir",
            dir.resolve("none").toString(),
            "-o",
            "json",
            "example.com:5000/foo:tag");
    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .contains("\"error\" : \"rewriting reference: invalid reference format\"");
  }

  @Test
  void aShortNameListsTheCandidatesCriOTriesInOrder() throws IOException {
    Path conf = dir.resolve("short.conf");
    Files.writeString(
        conf,
        "unqualified-search-registries = [\"registry.example.com\", \"docker.io\"]\n"
            + "short-name-mode = \"permissive\"\n");

    int rc =
        run(
            "--registries-conf",
            conf.toString(),
            "--dropin-dir",
            dir.resolve("none").toString(),
            "busybox");

    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "  short name: CRI-O does not normalise it to docker.io but resolves it"
                + " (short-name-mode permissive), trying in order:\n"
                + "     1. registry.example.com/busybox:latest  (unqualified-search-registries)\n"
                + "     2. docker.io/library/busybox:latest  (unqualified-search-registries)\n");
  }
}
