package dev.ccd.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.kube.ConfigListener;
import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.MachineConfigText;
import dev.ccd.kube.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The desired config read from its watch: waiting for the first list, and what it answers. */
class DesiredConfigWatchTest {
  final AtomicReference<ConfigListener> listener = new AtomicReference<>();
  final AtomicInteger kicks = new AtomicInteger();
  final List<String> watched = new ArrayList<>();

  /** A source whose watch answers only when the test says so, from another thread if it likes. */
  final ConfigSource source =
      new ConfigSource() {
        @Override
        public Optional<MachineConfigText> machineConfig(String name) {
          throw new AssertionError("no GET");
        }

        @Override
        public Watch watch(String name, ConfigListener l) {
          watched.add(name);
          listener.set(l);
          return () -> {};
        }
      };

  static MachineConfigText mc(String version) {
    return new MachineConfigText("a", version, "{}");
  }

  @Test
  void aFetchWaitsForTheWatchsFirstListAndThatAnswerAsksForNoOtherPass() throws Exception {
    DesiredConfigWatch w = new DesiredConfigWatch(source, kicks::incrementAndGet);
    Thread lister =
        new Thread(
            () -> {
              while (listener.get() == null) {
                Thread.onSpinWait();
              }
              listener.get().onConfig(mc("7"));
            });
    lister.start();

    assertThat(w.fetch("a")).contains(mc("7"));
    lister.join();

    assertThat(kicks).hasValue(0);
    assertThat(w.unchangedSinceRead("a")).isTrue();
    listener.get().onConfig(mc("8"));
    assertThat(kicks).as("an edit after the read asks for a pass").hasValue(1);
    assertThat(w.fetch("a")).as("taken from the watch").contains(mc("8"));
    assertThat(watched).as("one watch, one list").containsExactly("a");
  }

  @Test
  void aMissingConfigIsAnAnswerToo() throws Exception {
    ConfigSource missing =
        new ConfigSource() {
          @Override
          public Optional<MachineConfigText> machineConfig(String name) {
            throw new AssertionError("no GET");
          }

          @Override
          public Watch watch(String name, ConfigListener l) {
            listener.set(l);
            l.onMissing();
            return () -> {};
          }
        };
    DesiredConfigWatch w = new DesiredConfigWatch(missing, kicks::incrementAndGet);

    assertThat(w.fetch("a")).isEmpty();
    listener.get().onConfig(mc("3"));
    assertThat(kicks).as("it appeared: another pass").hasValue(1);
    assertThat(w.fetch("a")).contains(mc("3"));
  }

  @Test
  void noAnswerInTimeFailsTheFetchNamingTheConfig() {
    DesiredConfigWatch w =
        new DesiredConfigWatch(source, kicks::incrementAndGet, Duration.ofMillis(50));

    assertThatThrownBy(() -> w.fetch("a"))
        .isInstanceOf(KubeApiException.class)
        .hasMessage("no answer from the API for MachineConfig a within 0 s");
  }

  @Test
  void aWatchThatBreaksBeforeAnsweringFailsTheFetchWithItsCause() {
    ConfigSource broken =
        new ConfigSource() {
          @Override
          public Optional<MachineConfigText> machineConfig(String name) {
            throw new AssertionError("no GET");
          }

          @Override
          public Watch watch(String name, ConfigListener l) {
            l.onClose(new java.io.IOException("connection refused"));
            return () -> {};
          }
        };
    DesiredConfigWatch w = new DesiredConfigWatch(broken, kicks::incrementAndGet);

    assertThatThrownBy(() -> w.fetch("a"))
        .isInstanceOf(KubeApiException.class)
        .hasMessage("watch MachineConfig a: connection refused");
  }
}
