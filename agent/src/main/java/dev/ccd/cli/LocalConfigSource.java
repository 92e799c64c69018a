package dev.ccd.cli;

import dev.ccd.kube.ConfigListener;
import dev.ccd.kube.ConfigSource;
import dev.ccd.kube.KubeApiException;
import dev.ccd.kube.MachineConfigText;
import dev.ccd.kube.Watch;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Host mode's MachineConfigs: the one the desired-config path holds now, under its name. A name the
 * path no longer holds does not exist (as a deleted MachineConfig), so an agent that read a name
 * just before the path changed waits for the next Node state instead of applying a stale one.
 */
final class LocalConfigSource implements ConfigSource {
  private final DesiredConfigPath desired;
  private final Duration period;

  LocalConfigSource(DesiredConfigPath desired, Duration period) {
    this.desired = desired;
    this.period = period;
  }

  @Override
  public Optional<MachineConfigText> machineConfig(String name) throws KubeApiException {
    DesiredConfigPath.Snapshot now = read();
    return now.name().equals(name)
        ? Optional.of(new MachineConfigText(now.name(), now.version(), now.text()))
        : Optional.empty();
  }

  @Override
  public Watch watch(String name, ConfigListener listener) {
    return PathPoll.every(
        period,
        "ccd-desired-config",
        new Runnable() {
          private String delivered = "";

          @Override
          public void run() {
            try {
              Optional<MachineConfigText> mc = machineConfig(name);
              if (mc.isPresent() && !mc.get().resourceVersion().equals(delivered)) {
                delivered = mc.get().resourceVersion();
                listener.onConfig(mc.get());
              }
            } catch (KubeApiException | RuntimeException e) {
              listener.onClose(e);
            }
          }
        });
  }

  private DesiredConfigPath.Snapshot read() throws KubeApiException {
    try {
      return desired.read();
    } catch (IOException e) {
      throw new KubeApiException(0, "desired config " + e.getMessage(), e);
    }
  }
}
