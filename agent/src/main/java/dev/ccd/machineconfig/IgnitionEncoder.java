package dev.ccd.machineconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The inverse of {@link IgnitionDecoder} for configs ccd generates: files become Ignition 3.5.0
 * entries as the machine-config-operator writes them (base64 data URL, decimal mode, {@code
 * overwrite: true}, {@code compression: ""}).
 */
public final class IgnitionEncoder {
  /** The Ignition version of every config ccd writes (MCO's internal version). */
  public static final String IGNITION_VERSION = "3.5.0";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  private IgnitionEncoder() {}

  /** {@code data:text/plain;charset=utf-8;base64,…} for text, as MCO emits it. */
  public static String dataUrl(byte[] content) {
    return DataUrl.encode(content);
  }

  /** {@code 99-<pool>-generated-registries}, the name MCO gives its generated registries config. */
  public static String generatedName(String pool) {
    return "99-" + pool + "-generated-registries";
  }

  /** The Ignition config ({@code spec.config}) holding {@code files}. */
  public static ObjectNode ignition(List<DesiredFile> files) {
    ObjectNode config = NODES.objectNode();
    config.putObject("ignition").put("version", IGNITION_VERSION);
    ArrayNode list = config.putObject("storage").putArray("files");
    for (DesiredFile f : files) {
      ObjectNode entry = list.addObject();
      entry.put("path", f.path());
      entry.put("mode", f.mode());
      entry.put("overwrite", true);
      ObjectNode contents = entry.putObject("contents");
      contents.put("compression", "");
      contents.put("source", dataUrl(f.content()));
      Owner o = f.owner();
      if (o.uid().isPresent() || o.user().isPresent()) {
        ObjectNode user = entry.putObject("user");
        o.uid().ifPresent(id -> user.put("id", id));
        o.user().ifPresent(n -> user.put("name", n));
      }
      if (o.gid().isPresent() || o.group().isPresent()) {
        ObjectNode group = entry.putObject("group");
        o.gid().ifPresent(id -> group.put("id", id));
        o.group().ifPresent(n -> group.put("name", n));
      }
    }
    return config;
  }

  /**
   * A whole MachineConfig object for {@code files}, labelled for {@code pool} ({@code
   * machineconfiguration.openshift.io/role}).
   */
  public static ObjectNode machineConfig(String name, String pool, List<DesiredFile> files) {
    ObjectNode mc = NODES.objectNode();
    mc.put("apiVersion", MachineConfigDocument.API_VERSION);
    mc.put("kind", MachineConfigDocument.KIND);
    ObjectNode metadata = mc.putObject("metadata");
    metadata.put("name", name);
    metadata.putObject("labels").put(MachineConfigDocument.ROLE_LABEL, pool);
    mc.putObject("spec").set("config", ignition(files));
    return mc;
  }

  /** The object as YAML (no {@code ---} marker), for {@code ccd render -o machineconfig}. */
  public static String toYaml(ObjectNode object) {
    try {
      return YAML.writeValueAsString(object);
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serialises; reaching this is a bug.
      throw new UncheckedIOException(e);
    }
  }
}
