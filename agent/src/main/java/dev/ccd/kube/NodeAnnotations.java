package dev.ccd.kube;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Node annotation keys and values ccd reads and writes. The machine-config keys ({@code
 * currentConfig}, {@code desiredConfig}, {@code state}, {@code reason}) live under a configurable
 * prefix, by default MCO's {@code machineconfiguration.openshift.io/}, so {@code oc}/{@code
 * kubectl} habits and dashboards keep working. ccd's own keys live under {@code ccd.dev/}:
 *
 * <ul>
 *   <li>{@code ccd.dev/force-reapply}: set by a human (any value, e.g. a timestamp) to make the
 *       agent apply the desired config again even though it is current (repairs drift at once).
 *   <li>{@code ccd.dev/force-reapply-done}: written by the agent with the force value it acted on,
 *       so one request is served once.
 * </ul>
 *
 * Pure: builds keys and patches, reads maps.
 */
public final class NodeAnnotations {

  /** machine-config-operator's annotation prefix. */
  public static final String MCO_PREFIX = "machineconfiguration.openshift.io/";

  /** Prefix of ccd's own annotations. */
  public static final String CCD_PREFIX = "ccd.dev/";

  /** Longest {@code reason} written, in code points (MCD's {@code %.2000s}). */
  public static final int MAX_REASON_CODE_POINTS = 2000;

  private final String prefix;
  private final String ccdPrefix;

  /** Keys under {@link #MCO_PREFIX} and {@link #CCD_PREFIX}. */
  public NodeAnnotations() {
    this(MCO_PREFIX, CCD_PREFIX);
  }

  /**
   * @param prefix prefix of the machine-config keys, ending in {@code /}
   * @param ccdPrefix prefix of ccd's own keys, ending in {@code /}
   */
  public NodeAnnotations(String prefix, String ccdPrefix) {
    this.prefix = checkPrefix(prefix, "prefix");
    this.ccdPrefix = checkPrefix(ccdPrefix, "ccdPrefix");
  }

  private static String checkPrefix(String p, String what) {
    Objects.requireNonNull(p, what);
    if (!p.endsWith("/") || p.length() < 2 || p.indexOf('/') != p.length() - 1) {
      throw new IllegalArgumentException(
          what + " must be a DNS subdomain followed by one '/', got '" + p + "'");
    }
    return p;
  }

  public String currentConfigKey() {
    return prefix + "currentConfig";
  }

  public String desiredConfigKey() {
    return prefix + "desiredConfig";
  }

  public String stateKey() {
    return prefix + "state";
  }

  public String reasonKey() {
    return prefix + "reason";
  }

  /** {@code drain-<config>} or {@code uncordon-<config>}: what the agent asks the controller. */
  public String desiredDrainKey() {
    return prefix + "desiredDrain";
  }

  /** The {@code desiredDrain} value the controller last carried out. */
  public String lastAppliedDrainKey() {
    return prefix + "lastAppliedDrain";
  }

  /**
   * {@code SingleReplica}, {@code HighlyAvailable}, …: a single-replica control plane never drains.
   */
  public String controlPlaneTopologyKey() {
    return prefix + "controlPlaneTopology";
  }

  public String forceReapplyKey() {
    return ccdPrefix + "force-reapply";
  }

  public String forceReapplyDoneKey() {
    return ccdPrefix + "force-reapply-done";
  }

  /**
   * Reads the status from a Node's annotations. A missing or unknown {@code state} reads as {@code
   * Done}, as the MCD does, so a fresh node (no annotations at all) is Done on no config.
   */
  public ConfigStatus read(Map<String, String> annotations) {
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    ConfigState state = ConfigState.parse(a.get(stateKey())).orElse(ConfigState.DONE);
    return new ConfigStatus(
        a.get(currentConfigKey()),
        a.get(desiredConfigKey()),
        state,
        a.get(reasonKey()),
        a.get(forceReapplyKey()),
        a.get(forceReapplyDoneKey()));
  }

  /** The patch for the start of an update: {@code state=Working}. */
  public Map<String, String> working() {
    return Map.of(stateKey(), ConfigState.WORKING.wire());
  }

  /**
   * The patch for a finished update: {@code currentConfig=config}, {@code state=Done}, {@code
   * reason} cleared; with a non-empty {@code forceServed} also records that force request as done.
   */
  public Map<String, String> done(String config, String forceServed) {
    Objects.requireNonNull(config, "config");
    Map<String, String> patch = new LinkedHashMap<>();
    patch.put(currentConfigKey(), config);
    patch.put(stateKey(), ConfigState.DONE.wire());
    patch.put(reasonKey(), "");
    if (forceServed != null && !forceServed.isEmpty()) {
      patch.put(forceReapplyDoneKey(), forceServed);
    }
    return Map.copyOf(patch);
  }

  /** The patch for a failed update that a retry may fix: {@code state=Degraded}, the reason. */
  public Map<String, String> degraded(String reason) {
    return Map.of(stateKey(), ConfigState.DEGRADED.wire(), reasonKey(), truncateReason(reason));
  }

  /** The patch for input no retry can fix: {@code state=Unreconcilable}, the reason. */
  public Map<String, String> unreconcilable(String reason) {
    return Map.of(
        stateKey(), ConfigState.UNRECONCILABLE.wire(), reasonKey(), truncateReason(reason));
  }

  /**
   * {@code reason} cut to {@link #MAX_REASON_CODE_POINTS} code points (never splitting a surrogate
   * pair), which keeps the Node well below the 256 KiB annotation limit.
   */
  public static String truncateReason(String reason) {
    if (reason == null) {
      return "";
    }
    if (reason.codePointCount(0, reason.length()) <= MAX_REASON_CODE_POINTS) {
      return reason;
    }
    return reason.substring(0, reason.offsetByCodePoints(0, MAX_REASON_CODE_POINTS));
  }
}
