package dev.ccd.registries;

/**
 * Makes text from input safe to print on a terminal or to store in a state file or an annotation:
 * control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides are
 * written as escapes, so a crafted name can neither move the cursor nor forge a second line.
 */
public final class SafeText {
  private SafeText() {}

  /**
   * {@code text} with every unsafe character escaped ({@code \n}, {@code \x1b}, {@code \u202e}).
   */
  public static String escape(String text) {
    if (text == null) {
      return "null";
    }
    int i = 0;
    while (i < text.length() && !unsafe(text.charAt(i))) {
      i++;
    }
    if (i == text.length()) {
      return text; // the common case: nothing to escape, no copy
    }
    StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!unsafe(c)) {
        b.append(c);
        continue;
      }
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x100) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(String.format("\\u%04x", (int) c));
          }
        }
      }
    }
    return b.toString();
  }

  /**
   * {@link #escape} and at most {@code max} characters: a 1 MB value quoted in a message must not
   * become a 1 MB line on a terminal or in an annotation.
   */
  public static String line(String text, int max) {
    String e = escape(text);
    if (e.length() <= max) {
      return e;
    }
    int keep = Math.max(0, max - 40);
    return e.substring(0, keep) + "… (" + (e.length() - keep) + " more characters)";
  }

  private static boolean unsafe(char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e'
        || c == '\u200f'
        || c == '\u061c';
  }
}
