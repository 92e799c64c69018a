package dev.ccd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccd.agent.CrioOutcome;
import dev.ccd.plan.CrioAction;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostWiringTest {
  @TempDir Path root;

  HostWiring.Settings agent(String address) {
    return HostWiring.Settings.agent("crio.service", Duration.ofSeconds(5))
        .withEnvironment(address == null ? Map.of() : Map.of("DBUS_SYSTEM_BUS_ADDRESS", address));
  }

  @Test
  void theAgentRefusesToStartWithoutASystemBusAndNamesIt() {
    String socket = root.resolve("run/dbus/system_bus_socket").toString();

    assertThatThrownBy(() -> HostWiring.forAgent(root, agent(null)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no system bus at unix:path=" + socket)
        .hasMessageContaining("does not start without it")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void theAgentRefusesToStartWhenNothingAnswersOnTheBus() throws Exception {
    Path socket = root.resolve("bus");
    // A socket that exists but where no dbus-daemon speaks.
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(socket));
      silent.close();
      assertThat(Files.exists(socket)).isTrue();

      assertThatThrownBy(() -> HostWiring.forAgent(root, agent("unix:path=" + socket)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot reach systemd on the system bus at unix:path=" + socket);
    }
  }

  @Test
  void noReloadAndTheDemoSayWhatTheySkip() {
    CrioOutcome noReload =
        HostWiring.forRoot(root, HostWiring.Settings.of(true, "crio.service", Duration.ZERO))
            .crio()
            .run(CrioAction.RELOAD);
    CrioOutcome demo = HostWiring.forRoot(root, DemoCommand.RECORDED).crio().run(CrioAction.RELOAD);

    assertThat(noReload.performed()).isFalse();
    assertThat(noReload.describe())
        .isEqualTo("reload (recorded, not performed: --no-reload given)");
    assertThat(demo.performed()).isFalse();
    assertThat(demo.describe())
        .isEqualTo("reload (demo: crio actions are recorded, not performed)")
        .doesNotContain("--no-reload");
  }

  @Test
  void applyWithoutNoReloadNeedsTheBusAndNamesTheAddressTried() throws Exception {
    HostWiring.Settings apply =
        HostWiring.Settings.of(false, "crio.service", Duration.ZERO).withEnvironment(Map.of());
    String socket = root.toAbsolutePath().resolve("run/dbus/system_bus_socket").toString();

    assertThat(apply.crio()).isEqualTo(HostWiring.CrioMode.REQUIRED);
    assertThatThrownBy(() -> HostWiring.requireSystemd(root, apply, "nothing was written"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no system bus at unix:path=" + socket)
        .hasMessageContaining("nothing was written");
    // --no-reload needs no bus
    HostWiring.requireSystemd(
        root, HostWiring.Settings.of(true, "crio.service", Duration.ZERO), "unused");
  }
}
