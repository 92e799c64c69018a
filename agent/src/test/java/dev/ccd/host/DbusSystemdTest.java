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
}
