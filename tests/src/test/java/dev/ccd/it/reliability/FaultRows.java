package dev.ccd.it.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows one IT class contributes to {@code docs/reliability.md}: written as a JSON array to
 * {@code target/reliability/<suite>.json} after every row, so a failing or killed run still leaves
 * what it saw. {@link ReliabilityTable} turns all such files into the table.
 */
final class FaultRows {
  static final Path DIR = Path.of("target", "reliability");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One fault: what was done to ccd, what it must do, what it did, with numbers. */
  record Row(
      String fault, String expected, String observed, Map<String, Number> counts, boolean passed) {
    Row {
      counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }
  }

  private final String suite;
  private final List<Row> rows = new ArrayList<>();

  FaultRows(String suite) {
    this.suite = suite;
  }

  synchronized void add(Row row) {
    rows.add(row);
    try {
      Files.createDirectories(DIR);
      Path tmp = DIR.resolve(suite + ".json.tmp");
      JSON.writeValue(tmp.toFile(), rows);
      Files.move(
          tmp, DIR.resolve(suite + ".json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the reliability rows of " + suite, e);
    }
  }
}
