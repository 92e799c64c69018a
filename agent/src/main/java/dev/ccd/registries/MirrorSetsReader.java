package dev.ccd.registries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.config.v1.Image;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import io.fabric8.openshift.api.model.config.v1.ImageTagMirrorSet;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads ImageDigestMirrorSet, ImageTagMirrorSet, ImageContentSourcePolicy and Image objects from
 * YAML or JSON text: several documents, {@code kind: List} (or {@code *List}) with {@code items}.
 * Pure: the caller reads the file.
 */
public final class MirrorSetsReader {
  private static final String CONFIG_V1 = "config.openshift.io/v1";
  private static final String OPERATOR_V1ALPHA1 = "operator.openshift.io/v1alpha1";

  private record Kind(String apiVersion, Class<? extends HasMetadata> type) {}

  private static final Map<String, Kind> KINDS =
      Map.of(
          "ImageDigestMirrorSet", new Kind(CONFIG_V1, ImageDigestMirrorSet.class),
          "ImageTagMirrorSet", new Kind(CONFIG_V1, ImageTagMirrorSet.class),
          "ImageContentSourcePolicy", new Kind(OPERATOR_V1ALPHA1, ImageContentSourcePolicy.class),
          "Image", new Kind(CONFIG_V1, Image.class));

  private static final String WANTED =
      "ImageDigestMirrorSet or ImageTagMirrorSet ("
          + CONFIG_V1
          + "), ImageContentSourcePolicy ("
          + OPERATOR_V1ALPHA1
          + "), Image ("
          + CONFIG_V1
          + ")";

  private static final ObjectMapper OBJECTS =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private MirrorSetsReader() {}

  /**
   * The objects in {@code text}; {@code file} only names the source in problems and origins.
   *
   * @throws MirrorSetException naming the file and the document (1-based) for syntax errors,
   *     unknown kinds or apiVersions, objects without a name, or duplicates
   */
  public static MirrorSets parse(String text, String file) throws MirrorSetException {
    List<JsonNode> documents;
    try {
      documents = YamlDocuments.yaml(text);
    } catch (YamlDocuments.Refusal e) {
      throw new MirrorSetException(Problem.error(file, "document " + e.document(), e.getMessage()));
    }
    List<Problem> problems = new ArrayList<>();
    List<MirrorSets> parts = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode doc = documents.get(i);
      if (doc == null || doc.isNull() || doc.isMissingNode()) {
        continue; // an empty document, e.g. a trailing "---"
      }
      String where = "document " + (i + 1);
      String kind = doc.path("kind").asText("");
      if ((kind.equals("List") || kind.endsWith("List")) && doc.has("items")) {
        JsonNode items = doc.get("items");
        if (!items.isArray()) {
          problems.add(Problem.error(file, where + " items", "expected a list of objects"));
          continue;
        }
        for (int j = 0; j < items.size(); j++) {
          read(items.get(j), file, where + " items[" + j + "]", parts, problems);
        }
      } else {
        read(doc, file, where, parts, problems);
      }
    }
    if (!problems.isEmpty()) {
      // Every problem of the file in one run: the rules of the objects that could be read too.
      try {
        problems.addAll(MirrorSetRenderer.validate(MirrorSets.combine(parts)));
      } catch (MirrorSetException e) {
        problems.addAll(e.problems());
      }
      throw new MirrorSetException(problems);
    }
    return MirrorSets.combine(parts);
  }

  /**
   * The kinds of the objects in {@code text} (the items of a list counted one by one), in order;
   * empty when the text is not YAML or holds no object with a kind.
   */
  public static List<String> kinds(String text) {
    List<String> kinds = new ArrayList<>();
    try {
      for (JsonNode doc : YamlDocuments.yaml(text)) {
        if (doc == null || !doc.isObject()) {
          continue;
        }
        String kind = doc.path("kind").asText("");
        if (kind.endsWith("List") && doc.path("items").isArray()) {
          doc.get("items").forEach(item -> kinds.add(item.path("kind").asText("")));
        } else {
          kinds.add(kind);
        }
      }
    } catch (YamlDocuments.Refusal e) {
      return List.of(); // parse() says what is wrong
    }
    return kinds;
  }

  /** Whether objects of {@code kind} are read by {@link #parse}. */
  public static boolean reads(String kind) {
    return KINDS.containsKey(kind);
  }

  private static void read(
      JsonNode node, String file, String where, List<MirrorSets> parts, List<Problem> problems) {
    if (!node.isObject()) {
      problems.add(Problem.error(file, where, "not an object; want " + WANTED));
      return;
    }
    String kindName = node.path("kind").asText("");
    String apiVersion = node.path("apiVersion").asText("");
    Kind kind = KINDS.get(kindName);
    if (kind == null) {
      problems.add(
          Problem.error(
              file,
              where,
              "unsupported kind \""
                  + kindName
                  + "\" (apiVersion \""
                  + apiVersion
                  + "\"); want "
                  + WANTED));
      return;
    }
    if (!kind.apiVersion().equals(apiVersion)) {
      problems.add(
          Problem.error(
              file,
              where,
              "unsupported apiVersion \""
                  + apiVersion
                  + "\" for kind "
                  + kindName
                  + "; want \""
                  + kind.apiVersion()
                  + "\""));
      return;
    }
    JsonNode name = node.path("metadata").path("name");
    List<Problem> structure =
        MirrorSetSchema.check(
            kindName,
            node,
            file,
            name.isTextual() && !name.asText().isEmpty() ? kindName + "/" + name.asText() : where);
    problems.addAll(structure);
    HasMetadata object;
    try {
      object = OBJECTS.treeToValue(node, kind.type());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      if (structure.isEmpty()) { // else the schema has said it in words already
        problems.add(mappingProblem(e, file, where, kindName));
      }
      return;
    }
    if (object.getMetadata() == null
        || object.getMetadata().getName() == null
        || object.getMetadata().getName().isEmpty()) {
      problems.add(Problem.error(file, where + " metadata.name", kindName + " has no name"));
      return;
    }
    parts.add(single(object, file));
  }

  private static MirrorSets single(HasMetadata object, String file) {
    Map<String, String> origin = Map.of(MirrorSets.key(object), file);
    if (object instanceof ImageDigestMirrorSet o) {
      return new MirrorSets(List.of(o), List.of(), List.of(), Optional.empty(), origin);
    } else if (object instanceof ImageTagMirrorSet o) {
      return new MirrorSets(List.of(), List.of(o), List.of(), Optional.empty(), origin);
    } else if (object instanceof ImageContentSourcePolicy o) {
      return new MirrorSets(List.of(), List.of(), List.of(o), Optional.empty(), origin);
    }
    return new MirrorSets(List.of(), List.of(), List.of(), Optional.of((Image) object), origin);
  }

  /**
   * A value of the wrong type, said in words with its field ({@code spec.imageDigestMirrors[0]
   * .mirrors: expected a list}); Jackson's own message names Java types.
   */
  private static Problem mappingProblem(Exception e, String file, String where, String kindName) {
    Throwable t = e instanceof IllegalArgumentException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
      StringBuilder field = new StringBuilder();
      for (JsonMappingException.Reference r : jme.getPath()) {
        if (r.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
        } else if (r.getIndex() >= 0) {
          field.append('[').append(r.getIndex()).append(']');
        }
      }
      String expected = "a value of another type";
      if (jme instanceof MismatchedInputException mie && mie.getTargetType() != null) {
        expected = expected(mie.getTargetType());
      }
      return Problem.error(file, where + " " + field, kindName + ": expected " + expected);
    }
    return Problem.error(file, where, kindName + ": " + YamlDocuments.message(t));
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.toString(type.getEnumConstants());
    }
    return "an object";
  }
}
