package dev.ccd.cli;

import dev.ccd.agent.AppliedConfig;
import dev.ccd.agent.ApplyOutcome;
import dev.ccd.agent.UpdatePreparation.Prepared;
import dev.ccd.machineconfig.GeneratedRegistries;
import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.registries.PullSources;
import dev.ccd.registries.RegistriesToml;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ccd demo}: the main job on embedded defaults, with no cluster and no root: mirror sets for
 * an air-gapped registry are rendered into a MachineConfig, applied to a fresh temporary root,
 * explained, and applied again to show that nothing changes twice; then the node agent runs the
 * same update through an embedded Kubernetes API ({@link DemoAgent}); last, the whole chain on that
 * API: the controller rolls the mirror sets out to a pool of three nodes ({@link DemoRollout}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run ccd's main job on the shipped example, in a temporary root, with no cluster.",
      "Needs neither root nor systemd: crio actions are recorded, not performed."
    })
final class DemoCommand implements Callable<Integer> {
  static final String MIRROR_SETS = "examples/air-gapped-mirror-sets.yaml";

  /** The demo has no systemd: every crio action is recorded and says so. */
  static final HostWiring.Settings RECORDED =
      HostWiring.Settings.recorded(
          "demo: crio actions are recorded, not performed", "crio.service");

  static final String OS_REGISTRIES_CONF =
      "# The operating system's registries.conf (containers-common)\n"
          + "unqualified-search-registries = [\"registry.access.redhat.com\", \"docker.io\"]\n"
          + "short-name-mode = \"enforcing\"\n";
  static final List<String> IMAGES =
      List.of(
          "quay.io/openshift-release-dev/ocp-release@sha256:"
              + "4c5a0c64cfe9eceefc05aa663956ec79375234d29eac167d534ea94274b99f5d",
          "quay.io/openshift-release-dev/ocp-v4.0-art-dev:latest",
          "registry.access.redhat.com/ubi9/ubi-minimal:9.4");

  @Spec CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", description = "use DIR instead of a fresh temp dir")
  Optional<Path> root;

  @Option(names = "--pool", defaultValue = "worker", description = "pool (default: worker)")
  String pool;

  @Option(names = "--skip-agent", description = "only the local apply, not the node agent part")
  boolean skipAgent;

  @Option(names = "--verbose", description = "also print the agent's log lines")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (!verbose && System.getenv("CCD_LOG_LEVEL") == null) {
      // The demo tells its own story (timeline, Events, metrics); log lines would interleave.
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.ccd"))
          .setLevel(ch.qos.logback.classic.Level.ERROR);
      // fabric8 warns that the controller reads the v1alpha1 ImageContentSourcePolicy: known.
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.fabric8"))
          .setLevel(ch.qos.logback.classic.Level.ERROR);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = root.isPresent() ? root.get() : Files.createTempDirectory("ccd-demo-");
    seed(dir);

    heading(out, "1. Mirror sets (" + MIRROR_SETS + ")");
    String input = resource(MIRROR_SETS);
    MirrorSets sets;
    try {
      sets = MirrorSetsReader.parse(input, MIRROR_SETS);
    } catch (MirrorSetException e) {
      e.problems().forEach(err::println);
      return 1;
    }
    sets.objects().forEach(o -> out.println("  " + MirrorSets.key(o)));

    heading(out, "2. Rendered into a MachineConfig (ccd render -o machineconfig)");
    GeneratedRegistries.Rendering rendering =
        GeneratedRegistries.render(sets, pool, GeneratedRegistries.Layout.DROPIN, Optional.empty());
    String toml = RegistriesToml.write(rendering.registries(), rendering.headerComments());
    String machineConfig = GeneratedRegistries.machineConfigYaml(rendering, toml, pool);
    out.println(
        "  MachineConfig 99-"
            + pool
            + "-generated-registries carries "
            + rendering.registriesPath());

    heading(out, "3. Plan against a fresh root: " + dir);
    HostWiring host = HostWiring.forRoot(dir, DemoCommand.RECORDED);
    AppliedConfig previous = host.store().applied();
    Prepared prepared = host.preparation().prepare(machineConfig, "demo", previous);
    if (prepared instanceof Prepared.Invalid invalid) {
      PlanPrinter.problems(err, "demo", invalid.problems());
      return 1;
    }
    Prepared.Ready ready = (Prepared.Ready) prepared;
    PlanPrinter.plan(out, ready.plan());

    heading(out, "4. Apply (atomic writes, journal, crio action)");
    ApplyOutcome outcome = host.applier().apply(ready.plan(), previous, ready.desired());
    if (!(outcome instanceof ApplyOutcome.Applied applied)) {
      err.println("demo: unexpected outcome " + outcome);
      return 1;
    }
    applied.written().forEach(p -> out.println("  changed: " + p));
    out.println("  crio: " + applied.crio().describe());

    heading(out, "5. The resulting files");
    try (Stream<Path> files = Files.walk(dir.resolve("etc/containers"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.printf(
            "--- /%s (mode %s)%n",
            dir.relativize(f),
            Integer.toOctalString(host.files().read("/" + dir.relativize(f)).orElseThrow().mode()));
        out.print(Files.readString(f, StandardCharsets.UTF_8));
      }
    }

    heading(out, "6. Where CRI-O now pulls from (ccd explain)");
    var effective =
        RegistriesConfFiles.load(
            dir.resolve("etc/containers/registries.conf"),
            dir.resolve("etc/containers/registries.conf.d"),
            true);
    for (String image : IMAGES) {
      PullSources.Explanation e = PullSources.explain(effective, image);
      out.println("  " + image);
      if (e.error().isPresent()) {
        out.println("    error: " + e.error().get());
      }
      for (PullSources.Source s : e.sources()) {
        out.printf(
            "    %s %s%s%n",
            s.mirror() ? "mirror " : "primary", s.reference(), s.blocked() ? "  (blocked)" : "");
      }
    }

    heading(out, "7. Apply again: nothing changes twice");
    AppliedConfig first = host.store().applied();
    Prepared again = host.preparation().prepare(machineConfig, "demo", first);
    if (!(again instanceof Prepared.Ready repeat)) {
      err.println("demo: the same config became invalid: " + again);
      return 1;
    }
    ApplyOutcome second = host.applier().apply(repeat.plan(), first, repeat.desired());
    out.println("  " + (second instanceof ApplyOutcome.Unchanged ? "no changes" : second));

    if (!skipAgent) {
      int rc = new DemoAgent(out, err, pool).run(dir, machineConfig);
      if (rc != 0) {
        return rc;
      }
      rc = new DemoRollout(out, err, pool).run(dir, sets);
      if (rc != 0) {
        return rc;
      }
    }
    out.println();
    out.println("Done. The demo root is " + dir + " (remove it when you are done looking).");
    out.flush();
    return 0;
  }

  private static void seed(Path dir) throws IOException {
    Path conf = dir.resolve("etc/containers/registries.conf");
    if (!Files.exists(conf)) {
      Files.createDirectories(conf.getParent());
      Files.writeString(conf, OS_REGISTRIES_CONF, StandardCharsets.UTF_8);
    }
  }

  static void heading(PrintWriter out, String text) {
    out.println();
    out.println("== " + text);
  }

  static String resource(String name) {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing embedded resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
