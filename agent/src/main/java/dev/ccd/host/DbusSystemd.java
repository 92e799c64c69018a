package dev.ccd.host;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * {@link Systemd} over D-Bus (dbus-java): one connection per action (nothing to reconnect: a lost
 * bus fails the action in about a second, the next action connects afresh), subscribed to job
 * signals before the job is queued, so the job's {@code JobRemoved} cannot be missed.
 */
public final class DbusSystemd implements Systemd {

  /** The job result reported when no {@code JobRemoved} arrived within the timeout. */
  public static final String NO_RESULT = "no-result-within-timeout";

  private static final String BUS_NAME = "org.freedesktop.systemd1";
  private static final String MANAGER_PATH = "/org/freedesktop/systemd1";
  private static final String UNIT_INTERFACE = "org.freedesktop.systemd1.Unit";

  /**
   * How long one connect may keep trying: dbus-java retries every 500 ms for this long (10 s by
   * default, which made every crio action of a pass wait 10 s on a gone bus). Two tries cover a
   * dbus-daemon restart; the agent's backoff does the rest.
   */
  static final int CONNECT_RETRY_MILLIS = 1000;

  private final String address;

  /** Talks to the bus at {@code address}, e.g. {@code unix:path=/run/dbus/system_bus_socket}. */
  public DbusSystemd(String address) {
    this.address = address;
  }

  /** The host's system bus as the agent finds it: see {@link #systemBusAddress}. */
  public static DbusSystemd forHost(Path root) {
    return new DbusSystemd(systemBusAddress(root, System.getenv()));
  }

  /**
   * {@code DBUS_SYSTEM_BUS_ADDRESS} when set and not blank, else the standard socket under {@code
   * root}: {@code unix:path=ROOT/run/dbus/system_bus_socket}.
   */
  public static String systemBusAddress(Path root, Map<String, String> env) {
    String fromEnv = env.get("DBUS_SYSTEM_BUS_ADDRESS");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    return "unix:path=" + root.toAbsolutePath().normalize().resolve("run/dbus/system_bus_socket");
  }

  /** The bus address this adapter connects to. */
  public String address() {
    return address;
  }

  @Override
  public JobOutcome reload(String unit, Duration timeout) throws IOException {
    return job("ReloadUnit", unit, timeout, (m, u) -> m.ReloadUnit(u, "replace"));
  }

  @Override
  public JobOutcome restart(String unit, Duration timeout) throws IOException {
    return job("RestartUnit", unit, timeout, (m, u) -> m.RestartUnit(u, "replace"));
  }

  @Override
  public String activeState(String unit) throws IOException {
    try (DBusConnection c = connect()) {
      return activeState(c, unit);
    } catch (DBusException | DBusExecutionException e) {
      throw failure("read ActiveState of", unit, e);
    }
  }

  private JobOutcome job(
      String method,
      String unit,
      Duration timeout,
      BiFunction<SystemdManagerInterface, String, DBusPath> call)
      throws IOException {
    // Signals may overtake the method reply: every JobRemoved is kept until its job is asked for.
    Map<String, CompletableFuture<String>> results = new ConcurrentHashMap<>();
    DBusSigHandler<SystemdManagerInterface.JobRemoved> onRemoved =
        s -> results.computeIfAbsent(s.job(), k -> new CompletableFuture<>()).complete(s.result());
    try (DBusConnection c = connect()) {
      // Registered (AddMatch) before Subscribe and the call; dropped with the connection.
      c.addSigHandler(SystemdManagerInterface.JobRemoved.class, onRemoved);
      SystemdManagerInterface manager =
          c.getRemoteObject(BUS_NAME, MANAGER_PATH, SystemdManagerInterface.class);
      manager.Subscribe();
      String job = call.apply(manager, unit).getPath();
      String result;
      try {
        result =
            results
                .computeIfAbsent(job, k -> new CompletableFuture<>())
                .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        result = NO_RESULT;
      }
      return new JobOutcome(unit, job, result, activeState(c, unit));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + method + " " + unit);
    } catch (DBusException | DBusExecutionException | ExecutionException e) {
      throw failure(method, unit, e);
    }
  }

  private static String activeState(DBusConnection c, String unit) throws DBusException {
    DBusPath path =
        c.getRemoteObject(BUS_NAME, MANAGER_PATH, SystemdManagerInterface.class).LoadUnit(unit);
    Properties props = c.getRemoteObject(BUS_NAME, path.getPath(), Properties.class);
    Object value = props.Get(UNIT_INTERFACE, "ActiveState");
    return String.valueOf(value instanceof Variant<?> v ? v.getValue() : value);
  }

  private DBusConnection connect() throws DBusException {
    // Not shared: closing it must really disconnect (which also ends our Subscribe()). A new
    // connection per action: a bus that went away and came back is simply used again.
    return DBusConnectionBuilder.forAddress(address)
        .withShared(false)
        .transportConfig()
        .withTimeout(CONNECT_RETRY_MILLIS)
        .back()
        .build();
  }

  private IOException failure(String what, String unit, Exception e) {
    return new IOException(
        what + " " + unit + " over " + address + " failed: " + e.getMessage(), e);
  }
}
