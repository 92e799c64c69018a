package dev.ccd.host;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/** The part of systemd's {@code org.freedesktop.systemd1.Manager} D-Bus interface we call. */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
public interface SystemdManagerInterface extends DBusInterface {

  /** Asks systemd to emit job and unit signals to this connection (until it disconnects). */
  void Subscribe();

  DBusPath ReloadUnit(String name, String mode);

  DBusPath RestartUnit(String name, String mode);

  /** The unit's object path; fails with NoSuchUnit when it is not loaded. */
  DBusPath GetUnit(String name);

  /** The unit's object path, loading the unit first when needed. */
  DBusPath LoadUnit(String name);

  /** {@code JobRemoved(u id, o job, s unit, s result)}: a job finished with {@code result}. */
  class JobRemoved extends DBusSignal {
    private final String job;
    private final String unit;
    private final String result;

    public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result)
        throws DBusException {
      super(path, id, job, unit, result);
      this.job = job.getPath();
      this.unit = unit;
      this.result = result;
    }

    public String job() {
      return job;
    }

    public String unit() {
      return unit;
    }

    public String result() {
      return result;
    }
  }
}
