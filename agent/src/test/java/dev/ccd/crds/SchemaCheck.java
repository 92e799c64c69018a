package dev.ccd.crds;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an object against a CRD's structural schema the way the API server does for the parts
 * these CRDs use: {@code type}, {@code properties} (unknown fields rejected, as {@code kubectl}'s
 * strict field validation does, unless {@code x-kubernetes-preserve-unknown-fields}), {@code
 * required}, {@code items}, {@code enum}, {@code pattern}, {@code minItems}/{@code maxItems},
 * {@code nullable}, {@code additionalProperties} and {@code x-kubernetes-int-or-string}. It does
 * not evaluate CEL ({@code x-kubernetes-validations}), formats, or list-type uniqueness.
 */
final class SchemaCheck {
  /** Fields every object has, which the API server validates itself. */
  private static final Set<String> IMPLICIT_ROOT = Set.of("apiVersion", "kind", "metadata");

  private SchemaCheck() {}

  /** The violations of {@code object} against the root {@code schema}, empty when valid. */
  static List<String> violations(JsonNode object, JSONSchemaProps schema) {
    List<String> out = new ArrayList<>();
    check(object, schema, "", true, out);
    return out;
  }

  private static void check(
      JsonNode value, JSONSchemaProps schema, String path, boolean root, List<String> out) {
    if (value.isNull()) {
      if (!Boolean.TRUE.equals(schema.getNullable())) {
        out.add(path + ": must not be null");
      }
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        out.add(path + ": must be an integer or a string");
      }
      return;
    }
    String type = schema.getType();
    if (type == null) {
      if (!Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
        out.add(path + ": schema has no type");
      }
      return;
    }
    switch (type) {
      case "object" -> object(value, schema, path, root, out);
      case "array" -> array(value, schema, path, out);
      case "string" -> string(value, schema, path, out);
      case "boolean" -> expect(value.isBoolean(), path, "a boolean", out);
      case "integer" -> expect(value.isIntegralNumber(), path, "an integer", out);
      case "number" -> expect(value.isNumber(), path, "a number", out);
      default -> out.add(path + ": unknown schema type " + type);
    }
  }

  private static void object(
      JsonNode value, JSONSchemaProps schema, String path, boolean root, List<String> out) {
    if (!value.isObject()) {
      out.add(path + ": must be an object");
      return;
    }
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    boolean preserve = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
    JSONSchemaProps additional =
        schema.getAdditionalProperties() == null
            ? null
            : schema.getAdditionalProperties().getSchema();
    for (String required :
        schema.getRequired() == null ? List.<String>of() : schema.getRequired()) {
      if (!value.has(required)) {
        out.add(path + "." + required + ": required");
      }
    }
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String at = path + "." + field.getKey();
      if (root && IMPLICIT_ROOT.contains(field.getKey())) {
        continue;
      }
      JSONSchemaProps sub = properties == null ? null : properties.get(field.getKey());
      if (sub != null) {
        check(field.getValue(), sub, at, false, out);
      } else if (additional != null) {
        check(field.getValue(), additional, at, false, out);
      } else if (!preserve) {
        out.add(at + ": unknown field");
      }
    }
  }

  private static void array(JsonNode value, JSONSchemaProps schema, String path, List<String> out) {
    if (!value.isArray()) {
      out.add(path + ": must be a list");
      return;
    }
    if (schema.getMinItems() != null && value.size() < schema.getMinItems()) {
      out.add(path + ": must have at least " + schema.getMinItems() + " items");
    }
    if (schema.getMaxItems() != null && value.size() > schema.getMaxItems()) {
      out.add(path + ": must have at most " + schema.getMaxItems() + " items");
    }
    JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
    for (int i = 0; i < value.size(); i++) {
      if (items == null) {
        out.add(path + ": list without an item schema");
        return;
      }
      check(value.get(i), items, path + "[" + i + "]", false, out);
    }
  }

  private static void string(
      JsonNode value, JSONSchemaProps schema, String path, List<String> out) {
    if (!value.isTextual()) {
      out.add(path + ": must be a string");
      return;
    }
    String text = value.asText();
    if (schema.getEnum() != null
        && !schema.getEnum().isEmpty()
        && schema.getEnum().stream().map(JsonNode::asText).noneMatch(text::equals)) {
      out.add(path + ": \"" + text + "\" is not one of " + schema.getEnum());
    }
    if (schema.getPattern() != null && !Pattern.compile(schema.getPattern()).matcher(text).find()) {
      out.add(path + ": \"" + text + "\" does not match " + schema.getPattern());
    }
  }

  private static void expect(boolean ok, String path, String what, List<String> out) {
    if (!ok) {
      out.add(path + ": must be " + what);
    }
  }
}
