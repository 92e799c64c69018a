package dev.ccd.registries;

/** The boundary rules by which a registry prefix matches a reference (containers/image's). */
public final class PrefixMatch {
  private PrefixMatch() {}

  /**
   * How many leading characters of {@code ref} the prefix matches, or -1. For a wildcard {@code
   * *.example.com} the match ends after the host part; for a plain prefix it is the prefix length,
   * and the next character must be the end, {@code /}, {@code :} or {@code @}.
   */
  public static int matchLength(String ref, String prefix) {
    if (prefix.startsWith("*.")) {
      return wildcardMatchLength(ref, prefix);
    }
    if (!ref.startsWith(prefix)) {
      return -1;
    }
    if (ref.length() == prefix.length() || isBoundary(ref.charAt(prefix.length()))) {
      return prefix.length();
    }
    return -1;
  }

  public static boolean matches(String ref, String prefix) {
    return matchLength(ref, prefix) != -1;
  }

  private static int wildcardMatchLength(String ref, String prefix) {
    String suffix = prefix.substring(1);
    // Only the first occurrence counts, as upstream (strings.Index).
    int index = ref.indexOf(suffix);
    if (index == -1 || ref.substring(0, index).contains("/")) {
      return -1;
    }
    int end = index + suffix.length();
    if (end == ref.length() || isBoundary(ref.charAt(end))) {
      return end;
    }
    return -1;
  }

  static boolean isBoundary(char c) {
    return c == ':' || c == '/' || c == '@';
  }
}
