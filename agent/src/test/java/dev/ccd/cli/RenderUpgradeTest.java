package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.registries.ParsedConf;
import dev.ccd.registries.RegistriesToml;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ccd render --upgrade}: a v1 registries.conf rewritten as v2 with the same meaning. */
class RenderUpgradeTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int render(String... args) {
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "render";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  @Test
  void aV1FileBecomesV2WithTheSameMeaning() throws Exception {
    String v1 =
        "[registries.search]\nregistries = [\"registry.example.com\", \"docker.io\"]\n"
            + "[registries.insecure]\nregistries = [\"insecure.example.com\"]\n"
            + "[registries.block]\nregistries = [\"blocked.example.com\"]\n";
    Path file = Files.writeString(dir.resolve("registries.conf"), v1);

    assertThat(render("--upgrade", file.toString())).as(err.toString()).isZero();

    String v2 = out.toString();
    assertThat(v2).doesNotContain("[registries.").contains("[[registry]]");
    ParsedConf before = RegistriesToml.parse(v1, "v1");
    ParsedConf after = RegistriesToml.parse(v2, "v2");
    assertThat(after.v1()).isFalse();
    assertThat(after.problems()).isEmpty();
    assertThat(after.conf()).isEqualTo(before.conf());
  }

  @Test
  void anInvalidFileIsRefusedWithItsProblems() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("registries.conf"),
            "[registries.search]\nregistries = [\"https://x.example.com\"]\n");

    assertThat(render("--upgrade", file.toString())).isEqualTo(1);
    assertThat(err.toString()).contains(file.toString()).contains("URI schemes are not supported");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void mirrorSetsAndUpgradeDoNotMix() {
    assertThat(render()).isEqualTo(2);
    assertThat(err.toString()).contains("either --mirror-sets PATH... or --upgrade FILE");
  }
}
