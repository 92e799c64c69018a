package dev.ccd.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.host.Systemd.JobOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DbusSystemdTest {

  @ParameterizedTest(name = "root={0} env={1} -> {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "/, null, unix:path=/run/dbus/system_bus_socket",
        "/host, null, unix:path=/host/run/dbus/system_bus_socket",
        "/host/, '', unix:path=/host/run/dbus/system_bus_socket",
        "/host, '  ', unix:path=/host/run/dbus/system_bus_socket",
        "/host, unix:path=/x/bus, unix:path=/x/bus",
        "/, 'unix:abstract=/tmp/dbus-1 ', unix:abstract=/tmp/dbus-1",
      })
  void systemBusAddressPrefersTheEnvironment(String root, String env, String expected) {
    Map<String, String> environment =
        env == null ? Map.of() : Map.of("DBUS_SYSTEM_BUS_ADDRESS", env);

    assertThat(DbusSystemd.systemBusAddress(Path.of(root), environment)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}/{1} succeeded={2}")
  @CsvSource({
    "done, active, true",
    "failed, active, false",
    "done, failed, false",
    "no-result-within-timeout, reloading, false",
    "canceled, active, false",
  })
  void anOutcomeSucceedsOnlyWhenDoneAndActive(String result, String state, boolean succeeded) {
    assertThat(new JobOutcome("crio.service", "/j/1", result, state).succeeded())
        .isEqualTo(succeeded);
  }

  @Test
  void aBusThatIsNotThereIsAnIoErrorNamingUnitAndAddress(@TempDir Path root) {
    DbusSystemd systemd = new DbusSystemd(DbusSystemd.systemBusAddress(root, Map.of()));

    assertThatThrownBy(() -> systemd.reload("crio.service", Duration.ofSeconds(1)))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("ReloadUnit crio.service")
        .hasMessageContaining(root.toString());
  }

  @Test
  void aBusWhereNothingListensFailsAtOnceAndTheNextActionConnectsAfresh(@TempDir Path dir)
      throws Exception {
    // dbus-daemon gone: its socket file is still there, connect(2) is refused
    Path socket = dir.resolve("system_bus_socket");
    try (var dead =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(socket));
    }
    DbusSystemd systemd = new DbusSystemd("unix:path=" + socket);

    for (int attempt = 0; attempt < 2; attempt++) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> systemd.activeState("crio.service"))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("over unix:path=" + socket)
          .hasMessageContaining("Connection refused");
      // dbus-java's default keeps retrying the connect for 10 s; the agent must not wait that
      // long for every crio action of a pass (an attempt and its rollback)
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("attempt %d", attempt)
          .isLessThan(Duration.ofSeconds(5));
    }
  }
}
