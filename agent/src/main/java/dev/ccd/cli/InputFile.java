package dev.ccd.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one input file named on the command line, for every command: only a regular file (a FIFO,
 * device or directory is refused before it is opened, so {@code /dev/zero} and a FIFO neither
 * exhaust memory nor hang), at most {@code limit} bytes (the read stops at the limit even when the
 * file grows meanwhile), decoded as strict UTF-8. Every refusal names the file and the cause in
 * words.
 */
final class InputFile {
  /** 1 MiB: registries.conf, a drop-in, policy.json, a mirror-set file. */
  static final long DEFAULT_FILE_LIMIT = 1L << 20;

  /** 8 MiB: a MachineConfig, whose data URLs carry several files. */
  static final long DEFAULT_CONFIG_LIMIT = 8L << 20;

  /** Environment variables that raise or lower the limits (bytes, or with KiB/MiB). */
  static final String FILE_LIMIT_ENV = "CCD_MAX_FILE_SIZE";

  static final String CONFIG_LIMIT_ENV = "CCD_MAX_CONFIG_SIZE";

  /** The two limits every command applies. */
  record Limits(long file, long config) {
    static final Limits DEFAULT = new Limits(DEFAULT_FILE_LIMIT, DEFAULT_CONFIG_LIMIT);

    /** The limits of this process's environment. */
    static Limits current() {
      return from(System.getenv());
    }

    /** The limits from {@link #FILE_LIMIT_ENV} and {@link #CONFIG_LIMIT_ENV}, else the defaults. */
    static Limits from(Map<String, String> env) {
      return new Limits(
          size(env, FILE_LIMIT_ENV, DEFAULT_FILE_LIMIT),
          size(env, CONFIG_LIMIT_ENV, DEFAULT_CONFIG_LIMIT));
    }

    private static long size(Map<String, String> env, String name, long fallback) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        return fallback;
      }
      String t = v.strip().toLowerCase(Locale.ROOT);
      long unit = 1;
      if (t.endsWith("mib")) {
        unit = 1L << 20;
        t = t.substring(0, t.length() - 3).strip();
      } else if (t.endsWith("kib")) {
        unit = 1L << 10;
        t = t.substring(0, t.length() - 3).strip();
      }
      try {
        long n = Long.parseLong(t);
        if (n <= 0 || n > (Integer.MAX_VALUE - 16) / unit) {
          throw new NumberFormatException();
        }
        return n * unit;
      } catch (NumberFormatException e) {
        throw new BadSetting(
            name + "=" + v + ": expected a positive size in bytes, KiB or MiB, below 2 GiB");
      }
    }
  }

  /** A limit set to something that is not a size; a usage error. */
  static final class BadSetting extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadSetting(String message) {
      super(message);
    }
  }

  /** A file that was not read, with the reason in words ({@code FILE: no such file}). */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final String cause;

    Unreadable(Path file, String cause) {
      super(file + ": " + cause);
      this.file = file.toString();
      this.cause = cause;
    }

    String file() {
      return file;
    }

    /** The cause without the file name. */
    String cause() {
      return cause;
    }
  }

  private InputFile() {}

  /** The text of {@code path}, which must be a regular file of at most {@code limit} bytes. */
  static String text(Path path, long limit) throws Unreadable {
    return utf8(path, bytes(path, limit));
  }

  /** The bytes of {@code path}, which must be a regular file of at most {@code limit} bytes. */
  static byte[] bytes(Path path, long limit) throws Unreadable {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new Unreadable(path, cause(e));
    }
    if (attributes.isDirectory()) {
      throw new Unreadable(path, "is a directory, not a file");
    }
    if (!attributes.isRegularFile()) {
      throw new Unreadable(path, "is " + special(path) + ", not a regular file");
    }
    if (attributes.size() > limit) {
      throw new Unreadable(path, tooLarge(limit, attributes.size()));
    }
    byte[] content;
    try (InputStream in = Files.newInputStream(path)) {
      content = atMost(in, limit);
    } catch (IOException e) {
      throw new Unreadable(path, cause(e));
    }
    if (content.length > limit) {
      throw new Unreadable(path, tooLarge(limit, -1)); // it grew while we read it
    }
    return content;
  }

  /**
   * At most {@code limit + 1} bytes of {@code in}: one more than allowed tells "too large" without
   * reading the rest, however much (or endless) it is.
   */
  static byte[] atMost(InputStream in, long limit) throws IOException {
    return in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 16));
  }

  /** Strict UTF-8: the first malformed byte is named by its offset. */
  static String utf8(Path path, byte[] content) throws Unreadable {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(content);
    CharBuffer out = CharBuffer.allocate(content.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new Unreadable(path, "not valid UTF-8 at byte " + in.position());
    }
    return out.flip().toString();
  }

  /** A size limit in the unit people use for it: "1 MiB", "512 KiB", "1000 bytes". */
  static String describeSize(long bytes) {
    if (bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes % (1L << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }

  private static String tooLarge(long limit, long size) {
    return "larger than the "
        + describeSize(limit)
        + " limit"
        + (size >= 0 ? " (" + size + " bytes)" : "")
        + "; set "
        + FILE_LIMIT_ENV
        + " or "
        + CONFIG_LIMIT_ENV
        + " to raise it";
  }

  private static String special(Path path) {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      return switch (mode & 0170000) {
        case 0010000 -> "a FIFO (named pipe)";
        case 0020000 -> "a character device";
        case 0060000 -> "a block device";
        case 0140000 -> "a socket";
        default -> "a special file";
      };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "a special file";
    }
  }

  /** An I/O failure in words: "no such file", "permission denied", "not a directory" … */
  static String cause(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase(Locale.ROOT);
    }
    return FailureText.of(e);
  }
}
