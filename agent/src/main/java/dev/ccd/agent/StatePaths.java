package dev.ccd.agent;

/**
 * Where ccd keeps its own state on the host (absolute host paths, mapped under {@code --root} by
 * {@link dev.ccd.host.HostFiles}): the journal of an update in progress, the record of the config
 * last applied completely, and the originals saved before ccd first replaced a file.
 */
public record StatePaths(String stateDir) {
  public static final StatePaths DEFAULT = new StatePaths("/var/lib/ccd");

  public String journal() {
    return stateDir + "/journal.json";
  }

  public String appliedConfig() {
    return stateDir + "/current-config.json";
  }

  /** {@code /var/lib/ccd/orig/etc/containers/registries.conf.ccdorig} for that path. */
  public String original(String path) {
    return stateDir + "/orig" + path + ".ccdorig";
  }

  public String originalsDir(String dir) {
    return stateDir + "/orig" + dir;
  }
}
