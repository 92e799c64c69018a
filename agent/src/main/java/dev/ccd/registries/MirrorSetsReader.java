package dev.ccd.registries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.config.v1.Image;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import io.fabric8.openshift.api.model.config.v1.ImageTagMirrorSet;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicy;
import java.io.IOException;
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

  private static final YAMLMapper YAML = new YAMLMapper();
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
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        documents.add(it.nextValue());
      }
    } catch (IOException e) {
      throw new MirrorSetException(
          Problem.error(file, "document " + (documents.size() + 1), syntaxMessage(e)));
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
        for (int j = 0; j < items.size(); j++) {
          read(items.get(j), file, where + " items[" + j + "]", parts, problems);
        }
      } else {
        read(doc, file, where, parts, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw new MirrorSetException(problems);
    }
    return MirrorSets.combine(parts);
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
    HasMetadata object;
    try {
      object = OBJECTS.treeToValue(node, kind.type());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      problems.add(Problem.error(file, where, kindName + ": " + syntaxMessage(e)));
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

  private static String syntaxMessage(Exception e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof JsonProcessingException jpe) {
      message = jpe.getOriginalMessage();
      if (jpe.getLocation() != null && jpe.getLocation().getLineNr() > 0) {
        message += " (line " + jpe.getLocation().getLineNr() + ")";
      }
    }
    return message;
  }
}
