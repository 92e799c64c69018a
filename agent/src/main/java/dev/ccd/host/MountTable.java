package dev.ccd.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The mounts of {@code /proc/self/mountinfo}, in file order, and which one holds a path. */
public record MountTable(List<MountEntry> entries) {

  public MountTable {
    entries = List.copyOf(entries);
  }

  /**
   * Parses mountinfo text (proc(5)): {@code id parent major:minor root mountpoint options [optional
   * fields] - fstype source superoptions}.
   */
  public static MountTable parse(String text) {
    List<MountEntry> entries = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(" ");
      int dash = Arrays.asList(f).indexOf("-");
      if (f.length < 7 || dash < 6 || f.length < dash + 3) {
        throw new IllegalArgumentException("mountinfo line " + lineNo + " is malformed: " + line);
      }
      entries.add(
          new MountEntry(
              Integer.parseInt(f[0]),
              unescape(f[4]),
              List.of(f[5].split(",")),
              unescape(f[dash + 1]),
              unescape(f[dash + 2]),
              dash + 3 < f.length ? List.of(f[dash + 3].split(",")) : List.of()));
    }
    return new MountTable(entries);
  }

  /**
   * The mount that holds absolute, symlink-free {@code path}: the longest mount point that is the
   * path or one of its ancestors; of mounts stacked on one point, the last (the visible one).
   */
  public Optional<MountEntry> mountOf(String path) {
    MountEntry best = null;
    for (MountEntry e : entries) {
      if (contains(e.mountPoint(), path)
          && (best == null || e.mountPoint().length() >= best.mountPoint().length())) {
        best = e;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The last (visible) mount exactly at {@code mountPoint}. */
  public Optional<MountEntry> at(String mountPoint) {
    MountEntry found = null;
    for (MountEntry e : entries) {
      if (e.mountPoint().equals(mountPoint)) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  private static boolean contains(String mountPoint, String path) {
    if (mountPoint.equals("/")) {
      return path.startsWith("/");
    }
    return path.equals(mountPoint) || path.startsWith(mountPoint + "/");
  }

  /** Undoes the kernel's octal escapes ({@code \040} space, {@code \011} tab, {@code \134} \). */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The kernel's escaping, for writing mount points where a space would split a line. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
        out.append('\\').append(String.format("%03o", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
