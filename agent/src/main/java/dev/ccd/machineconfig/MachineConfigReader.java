package dev.ccd.machineconfig;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ccd.registries.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a MachineConfig from YAML or JSON text, or from a Jackson tree (what the fabric8 client
 * hands over after {@code Serialization.jsonMapper().valueToTree(mc)}), keeping {@code spec.config}
 * exactly as written.
 *
 * <p>We deliberately read a plain tree instead of fabric8's typed {@code MachineConfig}: {@code
 * spec.config} is a raw extension there anyway, the inner {@code machineconfig} package must not
 * depend on the Kubernetes client, and a tree lets every problem name its field.
 */
public final class MachineConfigReader {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private MachineConfigReader() {}

  /**
   * Parses one MachineConfig document.
   *
   * @param fileName used as the file of every problem
   * @throws InvalidConfigException naming every missing or wrong field
   */
  public static MachineConfigDocument parse(String text, String fileName) {
    JsonNode tree;
    try {
      String trimmed = text.stripLeading();
      tree = trimmed.startsWith("{") ? JSON.readTree(text) : YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new InvalidConfigException(
          List.of(
              Problem.error(
                  fileName, "", "not valid YAML or JSON" + where + ": " + e.getOriginalMessage())));
    }
    return fromTree(tree, fileName);
  }

  /** Reads a MachineConfig already parsed into a tree. */
  public static MachineConfigDocument fromTree(JsonNode tree, String fileName) {
    List<Problem> problems = new ArrayList<>();
    if (tree == null || !tree.isObject()) {
      throw new InvalidConfigException(
          List.of(Problem.error(fileName, "", "expected a MachineConfig object")));
    }
    String apiVersion = tree.path("apiVersion").asText("");
    if (!MachineConfigDocument.API_VERSION.equals(apiVersion)) {
      problems.add(
          Problem.error(
              fileName,
              "apiVersion",
              "expected \""
                  + MachineConfigDocument.API_VERSION
                  + "\", found "
                  + describe(tree.get("apiVersion"))));
    }
    String kind = tree.path("kind").asText("");
    if (!MachineConfigDocument.KIND.equals(kind)) {
      problems.add(
          Problem.error(
              fileName, "kind", "expected \"MachineConfig\", found " + describe(tree.get("kind"))));
    }
    JsonNode metadata = tree.get("metadata");
    String name = "";
    Map<String, String> labels = Map.of();
    Map<String, String> annotations = Map.of();
    if (metadata == null || !metadata.isObject()) {
      problems.add(Problem.error(fileName, "metadata", "missing"));
    } else {
      JsonNode n = metadata.get("name");
      if (n == null || !n.isTextual() || n.asText().isEmpty()) {
        problems.add(Problem.error(fileName, "metadata.name", "missing or not a string"));
      } else {
        name = n.asText();
      }
      labels = stringMap(metadata.get("labels"), fileName, "metadata.labels", problems);
      annotations =
          stringMap(metadata.get("annotations"), fileName, "metadata.annotations", problems);
    }
    JsonNode spec = tree.get("spec");
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    Map<String, JsonNode> other = new LinkedHashMap<>();
    if (spec == null || spec.isNull()) {
      problems.add(Problem.error(fileName, "spec", "missing"));
    } else if (!spec.isObject()) {
      problems.add(Problem.error(fileName, "spec", "expected an object, found " + describe(spec)));
    } else {
      var fields = spec.properties().iterator();
      while (fields.hasNext()) {
        var e = fields.next();
        if (e.getKey().equals("config")) {
          JsonNode c = e.getValue();
          if (c.isObject()) {
            config = (ObjectNode) c;
          } else if (!c.isNull()) {
            problems.add(
                Problem.error(
                    fileName, "spec.config", "expected an Ignition object, found " + describe(c)));
          }
        } else {
          other.put(e.getKey(), e.getValue());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new MachineConfigDocument(fileName, name, labels, annotations, config, other);
  }

  private static Map<String, String> stringMap(
      JsonNode node, String file, String field, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(
          Problem.error(file, field, "expected a map of strings, found " + describe(node)));
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    var fields = node.properties().iterator();
    while (fields.hasNext()) {
      var e = fields.next();
      if (e.getValue().isValueNode() && !e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asText());
      } else {
        problems.add(Problem.error(file, field + "." + e.getKey(), "expected a string"));
      }
    }
    return out;
  }

  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "\"" + node.asText() + "\"";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.toString();
  }
}
