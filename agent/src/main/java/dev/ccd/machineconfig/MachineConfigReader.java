package dev.ccd.machineconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.registries.Problem;
import dev.ccd.registries.YamlDocuments;
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
  private MachineConfigReader() {}

  /**
   * Parses one MachineConfig document.
   *
   * @param fileName used as the file of every problem
   * @throws InvalidConfigException naming every missing or wrong field
   */
  public static MachineConfigDocument parse(String text, String fileName) {
    return fromTree(onlyDocument(text, fileName), fileName);
  }

  /**
   * The one document of {@code text}: a second one is refused, never ignored, because a reader that
   * applies the first and drops the rest changes the host differently from what was asked.
   */
  private static JsonNode onlyDocument(String text, String fileName) {
    List<JsonNode> documents;
    try {
      documents =
          text.stripLeading().startsWith("{")
              ? List.of(YamlDocuments.json(text))
              : YamlDocuments.yaml(text);
    } catch (YamlDocuments.Refusal e) {
      String where = e.document() > 1 ? "document " + e.document() : "";
      throw new InvalidConfigException(
          List.of(Problem.error(fileName, where, "not valid YAML or JSON: " + e.getMessage())));
    }
    List<Integer> present = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode d = documents.get(i);
      if (d != null && !d.isNull() && !d.isMissingNode()) {
        present.add(i + 1);
      }
    }
    if (present.size() > 1) {
      throw new InvalidConfigException(
          List.of(
              Problem.error(
                  fileName,
                  "document " + present.get(1),
                  "a MachineConfig file holds exactly one document, found "
                      + present.size()
                      + " (nothing is applied; give each MachineConfig its own file)")));
    }
    return present.isEmpty() ? null : documents.get(present.get(0) - 1);
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
