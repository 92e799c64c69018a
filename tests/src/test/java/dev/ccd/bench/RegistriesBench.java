package dev.ccd.bench;

import dev.ccd.registries.ConfFile;
import dev.ccd.registries.DropIns;
import dev.ccd.registries.EffectiveConfig;
import dev.ccd.registries.ImageReference;
import dev.ccd.registries.LinearRegistryLookup;
import dev.ccd.registries.ParsedConf;
import dev.ccd.registries.Problem;
import dev.ccd.registries.PullSources;
import dev.ccd.registries.RegistriesToml;
import dev.ccd.registries.SourcedRegistry;
import dev.ccd.registries.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The registries engine's cost on a typical (20 registries) and a huge (10,000) registries.conf:
 * parse, validate, load (parse + validate + merge + index), explain one image, and the registry
 * lookup through the index versus the upstream linear scan. {@link #main} runs JMH with short
 * settings, then times whole processes ({@code skopeo inspect} and {@code ccd explain}) on the same
 * files, and prints a Markdown summary. Not part of {@code mvn verify}; see docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegistriesBench {
  /** An image under a blocked registry without mirrors: skopeo refuses it without any network. */
  static final String BLOCKED_IMAGE = "host12.example.com/app:1";

  @Param({"20", "10000"})
  public int size;

  private String text;
  private ParsedConf parsed;
  private EffectiveConfig config;
  private LinearRegistryLookup linear;
  private String[] images;
  private String[] names;
  private int next;

  @Setup
  public void setUp() {
    text = BenchConfigs.config(size);
    parsed = RegistriesToml.parse(text, "bench.conf");
    config = load(text);
    if (!config.isValid()) {
      throw new IllegalStateException("generated config is invalid: " + config.loadError());
    }
    linear = new LinearRegistryLookup(config.registries());
    List<String> list = BenchConfigs.images(size);
    images = list.toArray(String[]::new);
    names = list.stream().map(i -> ImageReference.parseNormalized(i).name()).toArray(String[]::new);
    for (String name : names) {
      Optional<SourcedRegistry> a = config.findRegistry(name);
      Optional<SourcedRegistry> b = linear.find(name);
      if (!a.equals(b)) {
        throw new IllegalStateException("index and linear scan disagree on " + name);
      }
    }
  }

  static EffectiveConfig load(String text) {
    return DropIns.merge(Optional.of(new ConfFile("bench.conf", text)), List.of());
  }

  @Benchmark
  public ParsedConf parse() {
    return RegistriesToml.parse(text, "bench.conf");
  }

  /**
   * tomlj alone on the same text, no ccd code: the floor of the path files outside the subset take.
   */
  @Benchmark
  public Object tomlj() {
    return org.tomlj.Toml.parse(text);
  }

  @Benchmark
  public List<Problem> validate() {
    return Validator.validate(parsed);
  }

  @Benchmark
  public EffectiveConfig load() {
    return load(text);
  }

  @Benchmark
  public PullSources.Explanation explain() {
    return PullSources.explain(config, images[next++ & 63]);
  }

  @Benchmark
  public Optional<SourcedRegistry> lookupIndex() {
    return config.findRegistry(names[next++ & 63]);
  }

  @Benchmark
  public Optional<SourcedRegistry> lookupLinear() {
    return linear.find(names[next++ & 63]);
  }

  /** Runs the benchmarks and the process timings; args: [ccd.jar path]. */
  public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
    Options options =
        new OptionsBuilder()
            .include(RegistriesBench.class.getName() + "\\.")
            .forks(1)
            // a fixed heap: parsing the 10,000-entry file allocates a lot, and a growing heap made
            // the first runs' numbers mostly GC
            .jvmArgs("-Xms2g", "-Xmx2g")
            .warmupIterations(Integer.getInteger("ccd.bench.jmh.warmup", 3))
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(Integer.getInteger("ccd.bench.jmh.iterations", 5))
            .measurementTime(TimeValue.seconds(1))
            .build();
    Collection<RunResult> results = new Runner(options).run();
    Map<String, Map<String, double[]>> table = new TreeMap<>();
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      table
          .computeIfAbsent(r.getParams().getParam("size"), k -> new TreeMap<>())
          .put(
              method,
              new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
    }
    StringBuilder out = new StringBuilder();
    out.append("| registries | parse | tomlj alone | validate | load | explain | lookup (index)")
        .append(" | lookup (linear) | linear / index |\n|---|---|---|---|---|---|---|---|---|\n");
    for (String size : List.of("20", "10000")) {
      Map<String, double[]> row = table.getOrDefault(size, Map.of());
      out.append("| ").append(size);
      for (String m :
          List.of("parse", "tomlj", "validate", "load", "explain", "lookupIndex", "lookupLinear")) {
        double[] s = row.get(m);
        out.append(" | ")
            .append(s == null ? "-" : String.format(Locale.ROOT, "%,.0f ± %,.0f ns", s[0], s[1]));
      }
      double[] idx = row.get("lookupIndex");
      double[] lin = row.get("lookupLinear");
      out.append(" | ")
          .append(
              idx == null || lin == null
                  ? "-"
                  : String.format(Locale.ROOT, "%,.1f×", lin[0] / idx[0]))
          .append(" |\n");
    }
    Map<Integer, double[]> skopeo = new TreeMap<>();
    Map<Integer, double[]> explain = new TreeMap<>();
    out.append('\n')
        .append(processTimes(args.length > 0 ? Path.of(args[0]) : null, skopeo, explain));
    System.out.println("\n## RegistriesBench summary\n\n" + out);
    engineRows(table, skopeo, explain);
    if (args.length > 1) {
      cliRows(Path.of(args[1]));
    }
  }

  /** The summary rows of the engine: in-process costs beside skopeo's whole process. */
  private static void engineRows(
      Map<String, Map<String, double[]>> table,
      Map<Integer, double[]> skopeo,
      Map<Integer, double[]> explain) {
    BenchRows rows = BenchRows.start("registries");
    for (int size : List.of(20, 10000)) {
      Map<String, double[]> r = table.getOrDefault(String.valueOf(size), Map.of());
      double parse = r.getOrDefault("parse", new double[] {Double.NaN})[0] / 1e6;
      double validate = r.getOrDefault("validate", new double[] {Double.NaN})[0] / 1e6;
      double explainNs = r.getOrDefault("explain", new double[] {Double.NaN})[0];
      boolean huge = size == 10000;
      rows.add(
          String.format(
              Locale.ROOT,
              "registries engine, %,d entries: parse / validate / explain (warm)",
              size),
          String.format(
              Locale.ROOT, "%.2f ms / %.2f ms / %.1f µs", parse, validate, explainNs / 1e3),
          "skopeo's whole process on the same file (`inspect`, refused: blocked)",
          String.format(Locale.ROOT, "%.1f ms (median)", skopeo.get(size)[1]),
          huge ? "parse + validate ≤ 50 ms" : "",
          huge ? BenchRows.met(parse + validate <= 50) : "");
      double tomlj = r.getOrDefault("tomlj", new double[] {Double.NaN})[0] / 1e6;
      rows.add(
          String.format(
              Locale.ROOT,
              "tomlj alone on the %,d-entry file (what a file outside the plain subset costs)",
              size),
          String.format(Locale.ROOT, "%.2f ms (%.0f× ccd's parse)", tomlj, tomlj / parse),
          "",
          "",
          "",
          "");
      if (huge) {
        rows.add(
            "whole `java -jar ccd.jar explain` process, 10,000 entries",
            String.format(Locale.ROOT, "%.1f ms (median)", explain.get(size)[1]),
            "skopeo, same file",
            String.format(Locale.ROOT, "%.1f ms", skopeo.get(size)[1]),
            "below skopeo's",
            BenchRows.met(explain.get(size)[1] < skopeo.get(size)[1]));
      }
    }
  }

  /**
   * The summary rows of the CLI: {@code --help}, {@code validate}, {@code explain} and {@code
   * render} as a user runs them (the launcher {@code ./ccd}), whole-process time and peak RSS,
   * beside skopeo loading the same 20-entry registries.conf.
   */
  private static void cliRows(Path launcher) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("cli-bench");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path empty = Files.createDirectories(dir.resolve("empty.d"));
    Path conf = Files.writeString(dir.resolve("registries.conf"), BenchConfigs.config(20));
    Path sets = launcher.toAbsolutePath().resolveSibling("examples/air-gapped-mirror-sets.yaml");
    String l = launcher.toString();
    List<String> skopeo =
        List.of(
            "skopeo",
            "--registries-conf",
            conf.toString(),
            "inspect",
            "--raw",
            "--no-tags",
            "docker://" + BLOCKED_IMAGE);
    double[] peer = timeAndPeak(skopeo, home, false);
    Map<String, List<String>> commands = new java.util.LinkedHashMap<>();
    commands.put("--help", List.of(l, "--help"));
    commands.put("validate", List.of(l, "validate", conf.toString()));
    commands.put(
        "explain",
        List.of(
            l,
            "explain",
            "--registries-conf",
            conf.toString(),
            "--dropin-dir",
            empty.toString(),
            BLOCKED_IMAGE));
    commands.put("render", List.of(l, "render", "--mirror-sets", sets.toString()));
    BenchRows rows = BenchRows.start("cli");
    for (Map.Entry<String, List<String>> c : commands.entrySet()) {
      double[] t = timeAndPeak(c.getValue(), home, true);
      rows.add(
          "CLI `./ccd " + c.getKey() + "`, whole process (20-entry registries.conf)",
          String.format(Locale.ROOT, "%.0f ms, peak RSS %.0f MiB", t[1], t[2]),
          "skopeo `inspect` loading the same registries.conf",
          String.format(Locale.ROOT, "%.1f ms, peak RSS %.0f MiB", peer[1], peer[2]),
          "≤ 150 ms, ≤ 60 MB",
          BenchRows.met(t[1] <= 150 && t[2] * 1.048576 <= 60));
    }
  }

  /** Mean and median wall time (ms) as {@link #timeRuns}, and the median peak RSS (MiB) of 3. */
  private static double[] timeAndPeak(List<String> command, Path home, boolean mustSucceed)
      throws IOException, InterruptedException {
    double[] t = timeRuns(command, home, mustSucceed);
    long[] peaks = new long[3];
    for (int i = 0; i < peaks.length; i++) {
      Path out = home.resolveSibling("peak.txt");
      List<String> timed =
          new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", out.toString()));
      timed.addAll(command);
      ProcessBuilder pb = new ProcessBuilder(timed).redirectErrorStream(true);
      pb.environment().put("HOME", home.toString());
      // the 10,000-entry file (1.9 MB) is over the default 1 MiB input limit of issue 8
      pb.environment().put("CCD_MAX_FILE_SIZE", String.valueOf(8 << 20));
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      String text = Files.readString(out).trim();
      peaks[i] = Long.parseLong(text.substring(text.lastIndexOf('\n') + 1).trim());
    }
    java.util.Arrays.sort(peaks);
    return new double[] {t[0], t[1], peaks[1] / 1024.0};
  }

  /** Mean wall time of whole processes on the same generated files. */
  private static String processTimes(
      Path ccdJar, Map<Integer, double[]> skopeoTimes, Map<Integer, double[]> explainTimes)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("registries-bench");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path emptyDropIns = Files.createDirectories(dir.resolve("empty.d"));
    StringBuilder out =
        new StringBuilder(
            "| process (mean / median) | 20 registries | 10000 registries |\n|---|---|---|\n");
    List<String> skopeoRow = new ArrayList<>(List.of("`skopeo inspect` (refused: blocked)"));
    List<String> ccdRow = new ArrayList<>(List.of("`java -jar ccd.jar explain`"));
    for (int size : List.of(20, 10000)) {
      String text = BenchConfigs.config(size);
      Path conf = dir.resolve("registries-" + size + ".conf");
      Files.writeString(conf, text);
      PullSources.Explanation e = PullSources.explain(load(text), BLOCKED_IMAGE);
      if (e.failed() || !e.sources().stream().allMatch(PullSources.Source::blocked)) {
        throw new IllegalStateException("the timed image must only have blocked sources: " + e);
      }
      double[] sk =
          timeRuns(
              List.of(
                  "skopeo",
                  "--registries-conf",
                  conf.toString(),
                  "inspect",
                  "--raw",
                  "--no-tags",
                  "docker://" + BLOCKED_IMAGE),
              home,
              false);
      skopeoTimes.put(size, sk);
      skopeoRow.add(format(sk));
      if (ccdJar == null || !Files.isRegularFile(ccdJar)) {
        throw new IllegalStateException(
            "no ccd.jar at " + ccdJar + ": build the agent module first");
      }
      double[] ex =
          timeRuns(
              List.of(
                  "java",
                  "-jar",
                  ccdJar.toString(),
                  "explain",
                  "--registries-conf",
                  conf.toString(),
                  "--dropin-dir",
                  emptyDropIns.toString(),
                  BLOCKED_IMAGE),
              home,
              true);
      explainTimes.put(size, ex);
      ccdRow.add(format(ex));
    }
    out.append("| ").append(String.join(" | ", skopeoRow)).append(" |\n");
    out.append("| ").append(String.join(" | ", ccdRow)).append(" |\n");
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    return out.toString();
  }

  private static String format(double[] meanMedian) {
    return String.format(Locale.ROOT, "%.1f ms / %.1f ms", meanMedian[0], meanMedian[1]);
  }

  /**
   * Mean and median wall time in ms of N runs (-Dccd.bench.process-runs, 20) after 3 unmeasured.
   */
  private static double[] timeRuns(List<String> command, Path home, boolean mustSucceed)
      throws IOException, InterruptedException {
    int runs = Integer.getInteger("ccd.bench.process-runs", 20);
    long[] nanos = new long[runs];
    for (int i = -3; i < runs; i++) {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("HOME", home.toString());
      // the 10,000-entry file (1.9 MB) is over the default 1 MiB input limit of issue 8
      pb.environment().put("CCD_MAX_FILE_SIZE", String.valueOf(8 << 20));
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      long start = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      long took = System.nanoTime() - start;
      if (mustSucceed && p.exitValue() != 0) {
        throw new IllegalStateException("failed (" + p.exitValue() + "): " + command);
      }
      if (i >= 0) {
        nanos[i] = took;
      }
    }
    double mean = java.util.Arrays.stream(nanos).average().orElse(0) / 1e6;
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    double median = sorted[runs / 2] / 1e6;
    return new double[] {mean, median};
  }
}
