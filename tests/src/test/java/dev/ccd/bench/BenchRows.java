package dev.ccd.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The rows a benchmark contributes to the one summary table ({@link BenchTable}): each measure with
 * ccd's value, the peer measured in the same run and its value, the goal of issue 11 and whether it
 * is met. One tab-separated file per benchmark under {@code target/bench/}, rewritten by each run
 * of that benchmark.
 */
final class BenchRows {
  static final Path DIR = Path.of(System.getProperty("ccd.bench.rows", "target/bench"));

  private final Path file;

  private BenchRows(Path file) {
    this.file = file;
  }

  /** Starts the rows of {@code benchmark} afresh (an earlier run's rows are dropped). */
  static BenchRows start(String benchmark) {
    try {
      Files.createDirectories(DIR);
      Path f = DIR.resolve(benchmark + ".tsv");
      Files.deleteIfExists(f);
      return new BenchRows(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A goal: met, not met, or {@code ""} when the measure has none (context, a peer only). */
  static String met(boolean met) {
    return met ? "met" : "not met";
  }

  void add(String measure, String value, String peer, String peerValue, String goal, String met) {
    String line =
        String.join(
                "\t",
                clean(measure),
                clean(value),
                clean(peer),
                clean(peerValue),
                clean(goal),
                clean(met))
            + "\n";
    try {
      Files.writeString(
          file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows started on first use, so that one run of several tests adds to one file. */
  static final class Lazy {
    private final String benchmark;
    private BenchRows rows;

    Lazy(String benchmark) {
      this.benchmark = benchmark;
    }

    synchronized BenchRows get() {
      if (rows == null) {
        rows = start(benchmark);
      }
      return rows;
    }
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ');
  }
}
