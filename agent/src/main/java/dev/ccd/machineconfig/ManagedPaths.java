package dev.ccd.machineconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The allowlist of host paths ccd may write: exact files and directories whose children (to a given
 * depth) are allowed. Pure; the default is the four container-config locations.
 *
 * <p>Default depths, and why: containers/image reads only {@code *.conf} directly inside {@code
 * registries.conf.d/} (no recursion), so that directory allows direct children only and warns for a
 * name it will not read. It reads only {@code *.yaml} directly inside {@code registries.d/}, but
 * files there (and policy.json) may point at signature keys kept next to them, so we also allow one
 * sub-directory level there (e.g. {@code registries.d/keys/a.pub}); deeper trees are refused to
 * keep the writable surface small.
 */
public record ManagedPaths(List<String> files, List<Directory> directories) {

  /** A managed directory: children up to {@code maxDepth} levels; {@code readSuffix} is a hint. */
  public record Directory(String path, int maxDepth, Optional<String> readSuffix) {
    public Directory {
      Objects.requireNonNull(path, "path");
      if (!path.endsWith("/")) {
        path = path + "/";
      }
      if (maxDepth < 1) {
        throw new IllegalArgumentException("maxDepth must be >= 1");
      }
      Objects.requireNonNull(readSuffix, "readSuffix");
    }
  }

  public static final String REGISTRIES_CONF = "/etc/containers/registries.conf";
  public static final String POLICY_JSON = "/etc/containers/policy.json";
  public static final String REGISTRIES_CONF_D = "/etc/containers/registries.conf.d/";
  public static final String REGISTRIES_D = "/etc/containers/registries.d/";

  public static final ManagedPaths DEFAULT =
      new ManagedPaths(
          List.of(REGISTRIES_CONF, POLICY_JSON),
          List.of(
              new Directory(REGISTRIES_CONF_D, 1, Optional.of(".conf")),
              new Directory(REGISTRIES_D, 2, Optional.of(".yaml"))));

  public ManagedPaths {
    files = List.copyOf(files);
    directories = List.copyOf(directories);
  }

  /**
   * Why {@code path} is not a well-formed absolute path, if it is not: relative, empty segments
   * ({@code //}), {@code .} or {@code ..} segments, a trailing {@code /}, NUL.
   */
  public static Optional<String> malformed(String path) {
    if (path.isEmpty()) {
      return Optional.of("path is empty");
    }
    if (!path.startsWith("/")) {
      return Optional.of("path " + path + " is not absolute");
    }
    if (path.indexOf('\0') >= 0) {
      return Optional.of("path contains a NUL byte");
    }
    if (path.endsWith("/")) {
      return Optional.of("path " + path + " names a directory, not a file");
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty()) {
        return Optional.of("path " + path + " contains an empty segment (//)");
      }
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("path " + path + " contains a '" + segment + "' segment");
      }
    }
    return Optional.empty();
  }

  /** Whether ccd may write this (well-formed) path. */
  public boolean isManaged(String path) {
    return files.contains(path) || directoryOf(path).isPresent();
  }

  /** The managed directory that allows {@code path}, if any. */
  public Optional<Directory> directoryOf(String path) {
    for (Directory d : directories) {
      if (path.startsWith(d.path()) && path.length() > d.path().length()) {
        int depth = path.substring(d.path().length()).split("/", -1).length;
        if (depth <= d.maxDepth()) {
          return Optional.of(d);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Why ccd will not write {@code path}: malformed, or outside the allowlist. Empty when allowed.
   */
  public Optional<String> refusal(String path) {
    Optional<String> bad = malformed(path);
    if (bad.isPresent()) {
      return bad;
    }
    if (!isManaged(path)) {
      return Optional.of("path " + path + " is not managed by ccd (allowed: " + describe() + ")");
    }
    return Optional.empty();
  }

  /**
   * A warning for an allowed path that has no effect: a direct child of a directory whose reader
   * only picks up names with a given suffix.
   */
  public Optional<String> ineffective(String path) {
    return directoryOf(path)
        .filter(d -> d.readSuffix().isPresent())
        .filter(d -> !path.substring(d.path().length()).contains("/"))
        .filter(d -> !path.endsWith(d.readSuffix().get()))
        .map(
            d ->
                "containers/image reads only *"
                    + d.readSuffix().get()
                    + " files in "
                    + d.path()
                    + "; "
                    + path
                    + " will be written but not read");
  }

  /** {@code /etc/containers/registries.conf, /etc/containers/registries.conf.d/*, …}. */
  public String describe() {
    List<String> all = new ArrayList<>(files);
    for (Directory d : directories) {
      all.add(d.path() + "*" + (d.maxDepth() > 1 ? " (" + d.maxDepth() + " levels)" : ""));
    }
    return String.join(", ", all);
  }
}
