package dev.ccd.machineconfig;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * RFC 2397 {@code data:} URLs, the only file source ccd accepts: base64 ({@code ;base64,}) and
 * percent-encoded forms, as the machine-config-daemon's decoder.
 */
public final class DataUrl {
  private static final String TEXT = "text/plain;charset=utf-8";
  private static final String BINARY = "application/octet-stream";

  private DataUrl() {}

  /**
   * The bytes a data URL carries.
   *
   * @throws IllegalArgumentException with a message fit for a user when the URL is malformed
   */
  public static byte[] decode(String url) {
    if (!url.regionMatches(true, 0, "data:", 0, 5)) {
      throw new IllegalArgumentException("not a data: URL");
    }
    int comma = url.indexOf(',');
    if (comma < 0) {
      throw new IllegalArgumentException("data URL has no ',' before its data");
    }
    String header = url.substring(5, comma);
    String data = url.substring(comma + 1);
    boolean base64 = header.toLowerCase(Locale.ROOT).endsWith(";base64");
    if (base64) {
      try {
        return Base64.getDecoder().decode(percentDecode(data));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid base64 data: " + e.getMessage(), e);
      }
    }
    return percentDecode(data);
  }

  /**
   * A base64 data URL for {@code content}, typed {@code text/plain;charset=utf-8} for UTF-8 text
   * (what MCO emits for TOML and JSON) and {@code application/octet-stream} otherwise.
   */
  public static String encode(byte[] content) {
    String type = isText(content) ? TEXT : BINARY;
    return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(content);
  }

  private static byte[] percentDecode(String data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length());
    byte[] raw = data.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      byte b = raw[i];
      if (b == '%') {
        if (i + 2 >= raw.length || hex(raw[i + 1]) < 0 || hex(raw[i + 2]) < 0) {
          throw new IllegalArgumentException("invalid percent-encoding at offset " + i);
        }
        out.write(hex(raw[i + 1]) << 4 | hex(raw[i + 2]));
        i += 2;
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isText(byte[] content) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content));
    } catch (CharacterCodingException e) {
      return false;
    }
    for (byte b : content) {
      if (b >= 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f') {
        return false;
      }
    }
    return true;
  }
}
