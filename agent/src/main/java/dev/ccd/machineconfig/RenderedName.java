package dev.ccd.machineconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a rendered config, {@code rendered-<pool>-<md5 hex>}: a hash of the merged {@code
 * spec} only, so equal specs get equal names (reverting a change re-targets the old name).
 *
 * <p>Same idea as the machine-config-operator (md5 over a fixed salt and the serialised spec), but
 * not byte-identical: we hash canonical JSON (object keys sorted) with our own salt, so a ccd name
 * never equals an MCO name for the same spec. Nothing relies on that equality.
 */
public final class RenderedName {
  private static final byte[] SALT =
      "ccd rendered MachineConfig name v1\n".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private static final Pattern NAME = Pattern.compile("rendered-(.+)-[0-9a-f]{32}");

  private RenderedName() {}

  /** The pool of a rendered name ({@code rendered-<pool>-<32 hex>}); empty for any other name. */
  public static Optional<String> pool(String name) {
    Matcher m = NAME.matcher(name);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** {@code rendered-<pool>-<32 hex>} for a merged {@code spec}. */
  public static String of(String pool, JsonNode spec) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(SALT);
      // Convert through a map so ORDER_MAP_ENTRIES_BY_KEYS sorts keys at every level.
      Object plain = CANONICAL.treeToValue(spec, Object.class);
      md5.update(CANONICAL.writeValueAsBytes(plain));
      return "rendered-" + pool + "-" + HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
