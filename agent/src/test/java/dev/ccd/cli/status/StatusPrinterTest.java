package dev.ccd.cli.status;

import static dev.ccd.cli.status.StatusTableTest.KEYS;
import static dev.ccd.cli.status.StatusTableTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StatusPrinterTest {

  /** A source whose snapshot a test sets and whose watch a test fires. */
  static final class FakeSource implements StatusSource {
    final AtomicReference<ClusterSnapshot> snapshot = new AtomicReference<>();
    final AtomicInteger reads = new AtomicInteger();
    volatile Runnable onChange;
    volatile boolean closed;

    @Override
    public ClusterSnapshot read() {
      reads.incrementAndGet();
      return snapshot.get();
    }

    @Override
    public void watch(Runnable onChange) {
      this.onChange = onChange;
      onChange.run();
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static StatusPrinter printer(StatusPrinter.Format format, StringWriter out) {
    return new StatusPrinter(
        format, Clock.fixed(NOW, ZoneOffset.UTC), KEYS, new PrintWriter(out, true));
  }

  @Test
  void jsonAndYamlCarryEveryColumnWithTheNodesPool() throws Exception {
    StatusPrinter json = printer(StatusPrinter.Format.json, new StringWriter());
    JsonNode doc = new ObjectMapper().readTree(json.text(StatusTableTest.converging()));
    assertThat(doc.get("pools").get(1).get("name").asText()).isEqualTo("worker");
    assertThat(doc.get("pools").get(1).get("updatedMachineCount").asInt()).isEqualTo(1);
    assertThat(doc.get("pools").get(1).get("nodeSelector").asText())
        .isEqualTo("node-role.kubernetes.io/worker=");
    JsonNode w2 = doc.get("nodes").get(2);
    assertThat(w2.get("name").asText()).isEqualTo("w2");
    assertThat(w2.get("pool").asText()).isEqualTo("worker");
    assertThat(w2.get("drain").asText()).isEqualTo("draining");
    assertThat(w2.get("creationTimestamp").asText()).isEqualTo("2026-12-05T07:55:00Z");

    StatusPrinter yaml = printer(StatusPrinter.Format.yaml, new StringWriter());
    assertThat(new YAMLMapper().readTree(yaml.text(StatusTableTest.converging()))).isEqualTo(doc);
  }

  @Test
  void watchingPrintsAgainOnlyWhenTheClusterChanged() throws Exception {
    FakeSource source = new FakeSource();
    source.snapshot.set(StatusTableTest.converging());
    StringWriter out = new StringWriter();
    StatusPrinter printer = printer(StatusPrinter.Format.table, out);
    Thread watcher = new Thread(() -> printer.watch(source));
    watcher.start();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("w2"));
      await().atMost(Duration.ofSeconds(5)).until(() -> source.reads.get() == 1);
      source.onChange.run(); // an event that changed nothing shown
      await().atMost(Duration.ofSeconds(5)).until(() -> source.reads.get() == 2);
      Thread.sleep(100);
      assertThat(out.toString().split("\n\n")).as("unchanged: not printed again").hasSize(2);
      ClusterSnapshot before = source.snapshot.get();
      source.snapshot.set(
          new ClusterSnapshot(
              List.of(
                  StatusTableTest.pool(
                      "worker", "rendered-worker-aaa", 2, 2, StatusTableTest.WORKER)),
              before.nodes()));
      source.onChange.run();
      await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().split("\n\n").length == 4);
      Thread.sleep(200);
      String[] prints = out.toString().split("\n\n");
      assertThat(prints).as("two prints of two tables each").hasSize(4);
      assertThat(prints[2])
          .contains("worker   rendered-worker-aaa   True ")
          .doesNotContain("master");
    } finally {
      watcher.interrupt();
      watcher.join(5000);
    }
    assertThat(watcher.isAlive()).as("an interrupt ends the watch").isFalse();
  }
}
