package dev.ccd.cli.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccd.kube.NodeAnnotations;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.Semaphore;

/**
 * Prints {@code ccd status} once, or (watching) again each time the pools or nodes change: a change
 * is a different snapshot, not a different age, so an idle cluster prints once.
 */
public final class StatusPrinter {
  /** The output formats. */
  public enum Format {
    table,
    wide,
    json,
    yaml
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Format format;
  private final Clock clock;
  private final NodeAnnotations keys;
  private final PrintWriter out;

  public StatusPrinter(Format format, Clock clock, NodeAnnotations keys, PrintWriter out) {
    this.format = format;
    this.clock = clock;
    this.keys = keys;
    this.out = out;
  }

  /** The text of one snapshot in this printer's format. */
  public String text(ClusterSnapshot snapshot) {
    try {
      return switch (format) {
        case table -> StatusTable.render(snapshot, false, clock.instant(), keys);
        case wide -> StatusTable.render(snapshot, true, clock.instant(), keys);
        case json -> JSON.writeValueAsString(StatusDocument.of(snapshot, keys)) + "\n";
        case yaml -> YAML.writeValueAsString(StatusDocument.of(snapshot, keys));
      };
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints the status once. */
  public void once(StatusSource source) {
    out.print(text(source.read()));
    out.flush();
  }

  /**
   * Prints the status, then again after each change, until the thread is interrupted. Tables are
   * separated by a blank line; YAML documents by {@code ---} (the first carries it too).
   */
  public void watch(StatusSource source) {
    Semaphore changed = new Semaphore(0);
    source.watch(changed::release);
    ClusterSnapshot last = null;
    try {
      while (true) {
        changed.acquire();
        changed.drainPermits();
        ClusterSnapshot now = source.read();
        if (now.equals(last)) {
          continue;
        }
        if (last != null && format != Format.yaml) {
          out.println();
        }
        out.print(text(now));
        out.flush();
        last = now;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
