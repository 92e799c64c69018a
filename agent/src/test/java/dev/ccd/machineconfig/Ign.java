package dev.ccd.machineconfig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/** Builders for Ignition trees in tests. */
final class Ign {
  private Ign() {}

  static ObjectNode config(String version) {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.putObject("ignition").put("version", version);
    c.putObject("storage").putArray("files");
    return c;
  }

  /** A 3.2.0 config with one file per customiser. */
  @SafeVarargs
  static ObjectNode withFiles(Consumer<ObjectNode>... files) {
    ObjectNode c = config("3.2.0");
    ArrayNode list = (ArrayNode) c.path("storage").path("files");
    for (Consumer<ObjectNode> f : files) {
      f.accept(list.addObject());
    }
    return c;
  }

  static Consumer<ObjectNode> file(String path, String source) {
    return f -> {
      f.put("path", path);
      if (source != null) {
        f.putObject("contents").put("source", source);
      }
    };
  }

  static String b64(String text) {
    return "data:;base64," + Base64.getEncoder().encodeToString(utf8(text));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] data) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(data);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MachineConfigDocument doc(ObjectNode config) {
    return MachineConfigDocument.of("99-worker-test", config);
  }
}
