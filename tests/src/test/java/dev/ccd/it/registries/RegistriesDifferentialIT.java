package dev.ccd.it.registries;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccd.cli.Main;
import dev.ccd.it.registries.Outcome.Attempt;
import dev.ccd.registries.ConfFile;
import dev.ccd.registries.DropIns;
import dev.ccd.registries.EffectiveConfig;
import dev.ccd.registries.PullSources;
import dev.ccd.registries.PullSources.Explanation;
import dev.ccd.registries.PullSources.Source;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * ccd's explain against the real oracle: seeded random registries.conf (+ drop-in) cases, each run
 * through {@code skopeo inspect} (skopeo 1.9.3 / containers/image v5.23.1) and through {@link
 * PullSources#explain} on the same files. The sources tried, their order, which are refused as
 * blocked, and load/rewrite errors must agree, except for the documented {@link KnownDifference}s.
 *
 * <p>Nothing may leave the machine: every source ccd predicts skopeo contacts must be a
 * 127.0.0.1/localhost port with no listener (a case is made safe by a blocking drop-in otherwise),
 * and skopeo itself runs in an empty network namespace when the host allows it.
 *
 * <p>{@code -Dccd.diff.seed=N} and {@code -Dccd.diff.cases=N} change the draw.
 */
class RegistriesDifferentialIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final long SEED = Long.getLong("ccd.diff.seed", 20250829L);
  private static final int CASES = Integer.getInteger("ccd.diff.cases", 600);
  private static final Path SYSTEM_DROP_IN_DIR = Path.of("/etc/containers/registries.conf.d");
  private static final String SAFETY_DROP_IN = "99-safety.conf";

  /** One case's result. */
  record Result(
      GeneratedCase c,
      Outcome ccd,
      Outcome skopeo,
      Optional<KnownDifference> known,
      boolean matched) {
    boolean agreed() {
      return ccd.equals(skopeo);
    }
  }

  @Test
  void ccdExplainAgreesWithSkopeo() throws Exception {
    String version = Skopeo.version();
    assertThat(version).as("the oracle this test was written against").contains("1.9.3");
    assertNoListenerOnTestPorts();
    boolean netns = Skopeo.canUnshareNetwork();
    Skopeo skopeo = new Skopeo(netns);
    Path base = Path.of("target", "registries-differential").toAbsolutePath();
    deleteTree(base);
    Files.createDirectories(base);
    System.out.printf(
        "RegistriesDifferentialIT: seed=%d cases=%d oracle=%s network-namespace=%s%n",
        SEED, CASES, version, netns);

    CaseGenerator generator = new CaseGenerator(SEED);
    List<GeneratedCase> cases = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      cases.add(generator.next(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger made = new AtomicInteger();
    Map<Integer, Result> results = new ConcurrentHashMap<>();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (GeneratedCase c : cases) {
        futures.add(
            pool.submit(
                () -> {
                  results.put(c.index(), runCase(base, c, skopeo, made));
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Map<String, Integer> byRule = new TreeMap<>();
    Map<String, Integer> byClass = new TreeMap<>();
    Map<String, Integer> shapes = new TreeMap<>();
    List<Result> unexplained = new ArrayList<>();
    int agreed = 0;
    for (Result r :
        results.values().stream().sorted(Comparator.comparing(x -> x.c().index())).toList()) {
      shapes.merge(shape(r), 1, Integer::sum);
      r.c().injectedRule().ifPresent(rule -> byRule.merge(rule, 1, Integer::sum));
      if (r.agreed()) {
        agreed++;
      } else if (r.known().isPresent()) {
        byClass.merge(r.known().get().name(), 1, Integer::sum);
      } else {
        unexplained.add(r);
      }
    }
    System.out.printf(
        "RegistriesDifferentialIT: cases=%d agreed=%d documented-differences=%s unexplained=%d"
            + " made-safe-by-drop-in=%d%n  case shapes: %s%n",
        results.size(), agreed, byClass, unexplained.size(), made.get(), shapes);
    System.out.printf("  injected rules: %s%n", byRule);
    for (Result r : unexplained.stream().limit(15).toList()) {
      System.out.println(describe(r));
    }
    assertThat(results).hasSize(CASES);
    assertThat(unexplained)
        .as(
            "cases where ccd and skopeo disagree outside the documented classes (first shown above)")
        .extracting(r -> r.c().index())
        .isEmpty();
    // the draw must actually reach the interesting rules
    assertThat(byRule.keySet())
        .as("every validation rule is drawn")
        .hasSize(CaseGenerator.Rule.values().length);
    assertThat(shapes.getOrDefault("sources:mirror+primary", 0)).isGreaterThan(CASES / 10);
    assertThat(shapes.getOrDefault("sources:blocked-mirror", 0)).isPositive();
    assertThat(shapes.getOrDefault("error:load", 0)).isGreaterThan(CASES / 20);
    assertThat(shapes.getOrDefault("error:rewrite", 0))
        .as("rewrite errors both sides agree on (not only the trailing-slash difference)")
        .isGreaterThan(byClass.getOrDefault("MIRROR_LOCATION_TRAILING_SLASH", 0));
    assertThat(cases.stream().filter(c -> !c.dropIns().isEmpty()).count()).isGreaterThan(CASES / 5);
    assertThat(shapes.getOrDefault("sources:unmatched", 0)).isPositive();
  }

  private static String shape(Result r) {
    Outcome o = r.skopeo();
    if (o.error().isPresent()) {
      return o.error().get().startsWith("rewriting reference") ? "error:rewrite" : "error:load";
    }
    if (!r.matched()) {
      return "sources:unmatched";
    }
    boolean blockedMirror =
        o.attempts().subList(0, o.attempts().size() - 1).stream().anyMatch(Attempt::blocked);
    if (blockedMirror) {
      return "sources:blocked-mirror";
    }
    return o.attempts().size() > 1 ? "sources:mirror+primary" : "sources:single";
  }

  private static String describe(Result r) {
    StringBuilder b = new StringBuilder();
    b.append("--- case ").append(r.c().index()).append(" image ").append(r.c().image());
    r.c().injectedRule().ifPresent(x -> b.append(" rule ").append(x));
    b.append("\nregistries.conf:\n").append(r.c().mainText());
    r.c().dropIns().forEach((n, t) -> b.append("drop-in ").append(n).append(":\n").append(t));
    b.append("ccd:    ").append(r.ccd()).append('\n');
    b.append("skopeo: ").append(r.skopeo()).append('\n');
    return b.toString();
  }

  private static Result runCase(Path base, GeneratedCase c, Skopeo skopeo, AtomicInteger made)
      throws IOException, InterruptedException {
    Path dir = base.resolve(String.format("case-%04d", c.index()));
    Path home = dir.resolve("home");
    Path dropInDir = home.resolve(".config/containers/registries.conf.d");
    Files.createDirectories(dropInDir);
    Path conf = dir.resolve("registries.conf");
    Files.writeString(conf, c.mainText());
    for (Map.Entry<String, String> d : c.dropIns().entrySet()) {
      Files.writeString(dropInDir.resolve(d.getKey()), d.getValue());
    }
    Explanation explanation = explain(conf, dropInDir, c.image());
    // Make the case safe: whatever ccd says would be contacted off this machine gets a blocking
    // entry for its exact name in the last drop-in (a longer prefix cannot exist).
    List<String> unsafe = unsafeSources(explanation);
    if (!unsafe.isEmpty()) {
      StringBuilder safety =
          new StringBuilder("# added by the test: nothing may leave the machine\n");
      for (String name : unsafe) {
        safety
            .append("[[registry]]\nprefix=\"")
            .append(name)
            .append("\"\nlocation=\"")
            .append(name)
            .append("\"\nblocked=true\n");
      }
      Files.writeString(dropInDir.resolve(SAFETY_DROP_IN), safety.toString());
      made.incrementAndGet();
      explanation = explain(conf, dropInDir, c.image());
    }
    assertThat(unsafeSources(explanation))
        .as("case %d: sources skopeo would contact off this machine", c.index())
        .isEmpty();
    Outcome ccd = outcome(explanation);
    assertThat(cliOutcome(conf, dropInDir, c.image()))
        .as("case %d: `ccd explain -o json` says what the library says", c.index())
        .isEqualTo(ccd);
    boolean tlsVerify = c.index() % 3 != 0;
    String log = skopeo.run(conf, home, c.image(), tlsVerify);
    Files.writeString(dir.resolve("skopeo.log"), log, StandardCharsets.UTF_8);
    Outcome oracle = Skopeo.parse(log, c.image());
    Optional<KnownDifference> known =
        ccd.equals(oracle)
            ? Optional.empty()
            : KnownDifference.classify(c, explanation, ccd, oracle);
    return new Result(c, ccd, oracle, known, explanation.matched().isPresent());
  }

  /** ccd on exactly the files skopeo reads: the main file, the system drop-ins, the user's. */
  private static Explanation explain(Path conf, Path userDropInDir, String image)
      throws IOException {
    // skopeo reads the system drop-in dir's files and then the per-user dir's, never interleaved.
    List<List<ConfFile>> directories = new ArrayList<>();
    for (Path dir : List.of(SYSTEM_DROP_IN_DIR, userDropInDir)) {
      List<ConfFile> files = new ArrayList<>();
      if (Files.isDirectory(dir)) {
        try (Stream<Path> listing = Files.list(dir)) {
          for (Path f : listing.toList()) {
            if (Files.isRegularFile(f)) {
              files.add(new ConfFile(f.toString(), Files.readString(f)));
            }
          }
        }
      }
      directories.add(files);
    }
    EffectiveConfig config =
        DropIns.mergeDirectories(
            Optional.of(new ConfFile(conf.toString(), Files.readString(conf))), directories);
    return PullSources.explain(config, image);
  }

  /**
   * The same question through the command line's JSON contract ({@code ccd explain -o json}, run
   * in-process). The system drop-ins are left out: they hold only short-name aliases, which do not
   * change the sources of a fully-qualified reference.
   */
  private static Outcome cliOutcome(Path conf, Path dropInDir, String image) throws IOException {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    cli.execute(
        "explain",
        "--registries-conf",
        conf.toString(),
        "--dropin-dir",
        dropInDir.toString(),
        "-o",
        "json",
        image);
    JsonNode result = JSON.readTree(out.toString()).get(0);
    if (!result.get("error").isNull()) {
      return Outcome.failure(result.get("error").asText());
    }
    List<Attempt> attempts = new ArrayList<>();
    for (JsonNode source : result.get("sources")) {
      attempts.add(
          new Attempt(source.get("reference").asText(), source.get("blocked").asBoolean()));
    }
    return new Outcome(attempts, Optional.empty());
  }

  private static Outcome outcome(Explanation e) {
    if (e.failed()) {
      return Outcome.failure(e.error().get());
    }
    return new Outcome(
        e.sources().stream().map(s -> new Attempt(s.reference(), s.blocked())).toList(),
        Optional.empty());
  }

  /** Names of sources that are not blocked and not on this machine. */
  private static List<String> unsafeSources(Explanation e) {
    List<String> unsafe = new ArrayList<>();
    for (Source s : e.sources()) {
      if (s.blocked()) {
        continue;
      }
      String ref = s.reference();
      String host = ref.substring(0, ref.indexOf('/'));
      if (!(host.startsWith("127.0.0.1:") || host.startsWith("localhost:"))) {
        int end = ref.length();
        for (char c : new char[] {'@', ':'}) {
          int i = ref.indexOf(c, ref.indexOf('/'));
          if (i != -1) {
            end = Math.min(end, i);
          }
        }
        unsafe.add(ref.substring(0, end));
      } else {
        int port = Integer.parseInt(host.substring(host.indexOf(':') + 1));
        assertThat(port)
            .as("local source %s must use a test port", ref)
            .isBetween(1, CaseGenerator.MAX_PORT);
      }
    }
    return unsafe;
  }

  /** The ports cases point at must have no listener, so an attempt fails at once and locally. */
  private static void assertNoListenerOnTestPorts() {
    for (int port = 1; port <= CaseGenerator.MAX_PORT; port++) {
      for (String host : List.of("127.0.0.1", "::1")) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(host, port), 500);
          throw new AssertionError("something listens on " + host + ":" + port);
        } catch (IOException expected) {
          // refused: as required
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
