package dev.ccd.it.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code ccd} jar as a child process, started the fast way: C1 only, serial GC, no
 * perf-data file, and a dynamic CDS archive made once per test class (JVM start-up dominates the
 * torture's budget).
 */
final class ChildJava {
  static final Path JAR =
      Path.of(System.getProperty("ccd.jar", "../agent/target/ccd.jar")).toAbsolutePath();
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private final Path archive;

  private ChildJava(Path archive) {
    this.archive = archive;
  }

  /**
   * Makes the archive by running {@code trainingArgs} once with {@code -XX:ArchiveClassesAtExit}
   * (the run must exit by itself).
   */
  static ChildJava withArchive(Path archive, List<String> trainingArgs) throws Exception {
    Files.deleteIfExists(archive);
    Files.createDirectories(archive.getParent());
    List<String> cmd = new ArrayList<>(fastFlags());
    cmd.add("-XX:ArchiveClassesAtExit=" + archive);
    cmd.add("-Xlog:cds=off");
    cmd.add("-Xlog:cds+dynamic=off");
    cmd.addAll(List.of("-jar", JAR.toString()));
    cmd.addAll(trainingArgs);
    Path log = archive.resolveSibling(archive.getFileName() + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(archive)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "making the CDS archive failed; output:\n" + Files.readString(log));
    }
    return new ChildJava(archive);
  }

  private static List<String> fastFlags() {
    return List.of(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");
  }

  /** {@code java [fast flags] -jar ccd.jar ARGS}, with the archive when {@code withArchive}. */
  List<String> command(boolean withArchive, List<String> args) {
    return command(withArchive, List.of(), args);
  }

  private List<String> command(boolean withArchive, List<String> jvmFlags, List<String> args) {
    List<String> cmd = new ArrayList<>(fastFlags());
    cmd.addAll(jvmFlags);
    if (withArchive) {
      cmd.add("-XX:SharedArchiveFile=" + archive);
      cmd.add("-Xshare:auto");
    }
    cmd.addAll(List.of("-jar", JAR.toString()));
    cmd.addAll(args);
    return cmd;
  }

  /** Starts {@code ccd ARGS} with its output in {@code log} and {@code env} added. */
  Process start(List<String> args, Path log, Map<String, String> env) throws IOException {
    return start(List.of(), args, log, env);
  }

  /** As {@link #start(List, Path, Map)} with extra JVM flags (a heap limit, say). */
  Process start(List<String> jvmFlags, List<String> args, Path log, Map<String, String> env)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command(true, jvmFlags, args))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("CCD_LOG_FORMAT", "text");
    pb.environment().putAll(env);
    return pb.start();
  }
}
