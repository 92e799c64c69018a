package dev.ccd.registries;

import java.util.regex.Pattern;

/**
 * Scope grammar of the OpenShift registry settings: which strings are valid
 * insecure/blocked/allowed scopes, mirror-set sources and mirrors, and when one scope lies inside
 * another.
 */
public final class MirrorSetScope {
  // The openshift/api patterns of ImageDigestMirrors.source and ImageMirror, rewritten so that a
  // backtracking engine stays linear (possessive runs; an empty "-*" separator is the same as
  // none).
  private static final String LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
  private static final String HOST = LABEL + "(?:\\." + LABEL + ")*+(?::[0-9]++)?";
  private static final String PATH_COMPONENT = "[a-z0-9]++(?:(?:[._]|__|-++)[a-z0-9]++)*+";
  private static final Pattern MIRROR = Pattern.compile(HOST + "(?:/" + PATH_COMPONENT + ")*+");
  private static final Pattern WILDCARD_SOURCE = Pattern.compile("\\*(?:\\." + LABEL + ")++");

  private MirrorSetScope() {}

  /** A valid {@code source} of a mirror set: {@code host[:port][/path]} or {@code *.domain}. */
  public static boolean isValidSource(String source) {
    return WILDCARD_SOURCE.matcher(source).matches() || MIRROR.matcher(source).matches();
  }

  /** A valid mirror: {@code host[:port][/path]}, no wildcard. */
  public static boolean isValidMirror(String mirror) {
    return MIRROR.matcher(mirror).matches();
  }

  /**
   * A valid insecure/blocked/allowed scope: non-empty, and a {@code *} only as a leading {@code *.}
   * with none of {@code /@:*} after it. Anything without {@code *} passes, as in the MCO.
   */
  public static boolean isValidScope(String scope) {
    if (scope.isEmpty()) {
      return false;
    }
    if (scope.indexOf('*') < 0) {
      return true;
    }
    if (!scope.startsWith("*.")) {
      return false;
    }
    String rest = scope.substring(2);
    return rest.chars().noneMatch(c -> c == '/' || c == '@' || c == ':' || c == '*');
  }

  /**
   * Whether {@code sub} lies inside {@code outer}: equal; or a repository/namespace below it
   * ({@code /} at the boundary); or, for a wildcard {@code outer}, a host (or wildcard) ending in
   * its domain — ports count as the end of the host, and the match never looks past the first
   * {@code /}.
   */
  public static boolean isNested(String sub, String outer) {
    if (sub.equals(outer)) {
      return true;
    }
    if (sub.length() > outer.length()
        && sub.startsWith(outer)
        && sub.charAt(outer.length()) == '/') {
      return true;
    }
    if (!outer.startsWith("*.")) {
      return false;
    }
    String domain = outer.substring(1); // ".example.com"
    int colon = sub.indexOf(':');
    if (colon >= 0) {
      String host = sub.substring(0, colon);
      return host.endsWith(domain) && host.indexOf('/') < 0;
    }
    int slash = sub.indexOf('/');
    String host = slash < 0 ? sub : sub.substring(0, slash);
    return host.endsWith(domain);
  }
}
