package dev.ccd.machineconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Merges a pool's MachineConfigs into one rendered config, in the machine-config-operator's order
 * and with Ignition's child-wins, field-wise merge.
 *
 * <p>Order: configs labelled {@code role: worker} first, sorted by name, then all others sorted by
 * name (so a custom pool's configs override the worker ones). Files are keyed by path and merged
 * field by field (a later entry without {@code mode} keeps the earlier mode). A later entry that
 * sets {@code contents.source} without {@code compression} resets compression, so it cannot inherit
 * {@code gzip} from an earlier entry (MCO resets compression on every entry; ours only differs for
 * an entry that sets no source, where inheriting the compression is what keeps the earlier source
 * decodable). Every file without {@code overwrite} gets {@code overwrite: true}.
 */
public final class MachineConfigMerge {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Map<String, String> KEYED_LISTS =
      Map.of(
          "storage.files", "path",
          "storage.directories", "path",
          "storage.links", "path",
          "systemd.units", "name",
          "passwd.users", "name",
          "passwd.groups", "name");

  private MachineConfigMerge() {}

  /** MCO's order: role=worker configs by name, then the others by name. */
  public static List<MachineConfigDocument> ordered(List<MachineConfigDocument> configs) {
    List<MachineConfigDocument> sorted = new ArrayList<>(configs);
    sorted.sort(
        Comparator.comparing((MachineConfigDocument d) -> !"worker".equals(d.role().orElse("")))
            .thenComparing(MachineConfigDocument::name));
    return sorted;
  }

  /** The merged {@code spec} ({@code config} plus the other spec fields) of {@code configs}. */
  public static ObjectNode merge(List<MachineConfigDocument> configs) {
    ObjectNode config = NODES.objectNode();
    ObjectNode other = NODES.objectNode();
    for (MachineConfigDocument doc : ordered(configs)) {
      ObjectNode child = doc.config();
      resetCompression(child);
      config = (ObjectNode) mergeNode(config, child, "");
      for (Map.Entry<String, JsonNode> e : doc.otherSpec().entrySet()) {
        mergeSpecField(other, e.getKey(), e.getValue());
      }
    }
    finishFiles(config);
    if (!config.isEmpty()) {
      config.withObject("/ignition").put("version", IgnitionEncoder.IGNITION_VERSION);
    }
    ObjectNode spec = NODES.objectNode();
    spec.set("config", config);
    spec.setAll(other);
    return spec;
  }

  /** The rendered config for {@code pool}: merged spec, named by {@link RenderedName}. */
  public static MachineConfigDocument render(String pool, List<MachineConfigDocument> configs) {
    ObjectNode spec = merge(configs);
    String name = RenderedName.of(pool, spec);
    ObjectNode config = (ObjectNode) spec.remove("config");
    Map<String, JsonNode> other = new java.util.LinkedHashMap<>();
    spec.properties().iterator().forEachRemaining(e -> other.put(e.getKey(), e.getValue()));
    return new MachineConfigDocument(
        "machineconfig/" + name, name, Map.of(), Map.of(), config, other);
  }

  private static void mergeSpecField(ObjectNode into, String key, JsonNode value) {
    if (value == null || value.isNull()) {
      return;
    }
    switch (key) {
      case "fips" -> into.put("fips", into.path("fips").asBoolean(false) || value.asBoolean(false));
      case "kernelType" -> {
        if (!value.asText().isEmpty() && !value.asText().equals("default")) {
          into.set(key, value);
        } else if (!into.has(key)) {
          into.set(key, value);
        }
      }
      case "kernelArguments", "extensions" -> {
        ArrayNode list = into.has(key) ? (ArrayNode) into.get(key) : into.putArray(key);
        if (value.isArray()) {
          value.forEach(list::add);
        }
      }
      default -> {
        if (!IgnitionDecoder.isEmpty(value) || !into.has(key)) {
          into.set(key, value);
        }
      }
    }
  }

  private static JsonNode mergeNode(JsonNode parent, JsonNode child, String path) {
    if (child == null || child.isNull()) {
      return parent;
    }
    if (parent == null || parent.isNull()) {
      return child.deepCopy();
    }
    if (parent.isObject() && child.isObject()) {
      ObjectNode out = ((ObjectNode) parent).deepCopy();
      Iterator<Map.Entry<String, JsonNode>> it = child.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String sub = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        out.set(e.getKey(), mergeNode(out.get(e.getKey()), e.getValue(), sub));
      }
      return out;
    }
    if (parent.isArray() && child.isArray()) {
      String key = KEYED_LISTS.get(path);
      ArrayNode out = ((ArrayNode) parent).deepCopy();
      for (JsonNode c : child) {
        int match = key == null ? indexOfEqual(out, c) : indexOfKey(out, key, c.path(key));
        if (match < 0) {
          out.add(c.deepCopy());
        } else if (key != null) {
          out.set(match, mergeNode(out.get(match), c, path + "[]"));
        }
      }
      return out;
    }
    return child.deepCopy();
  }

  private static int indexOfKey(ArrayNode list, String key, JsonNode value) {
    if (value.isMissingNode()) {
      return -1;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).path(key).equals(value)) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOfEqual(ArrayNode list, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).equals(value)) {
        return i;
      }
    }
    return -1;
  }

  private static void resetCompression(ObjectNode config) {
    for (JsonNode f : config.path("storage").path("files")) {
      JsonNode contents = f.get("contents");
      if (contents instanceof ObjectNode c
          && c.hasNonNull("source")
          && !c.hasNonNull("compression")) {
        c.put("compression", "");
      }
    }
  }

  private static void finishFiles(ObjectNode config) {
    for (JsonNode f : config.path("storage").path("files")) {
      if (f instanceof ObjectNode file) {
        if (!file.hasNonNull("overwrite")) {
          file.put("overwrite", true);
        }
        if (file.get("contents") instanceof ObjectNode c
            && c.path("compression").isTextual()
            && c.get("compression").asText().isEmpty()) {
          c.remove("compression");
        }
      }
    }
  }
}
