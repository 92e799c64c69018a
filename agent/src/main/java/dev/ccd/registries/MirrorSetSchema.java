package dev.ccd.registries;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The structure openshift/api gives ImageDigestMirrorSet, ImageTagMirrorSet (config/v1),
 * ImageContentSourcePolicy (operator/v1alpha1) and Image (config/v1): the known fields, their
 * types, the enums and the set-like lists. The API server rejects an unknown field (strict field
 * validation) or enum value; ccd does the same, so a typo such as {@code imageDigestMirror:} or
 * {@code NeverContactSorce} is an error instead of a silently dropped rule. Pure: a tree in, every
 * problem out. The patterns of sources and mirrors are the renderer's semantic checks ({@link
 * MirrorSetRenderer#validate}).
 */
public final class MirrorSetSchema {
  private MirrorSetSchema() {}

  /** What a value may be. {@code null} is accepted everywhere, as the API server drops it. */
  sealed interface Shape {}

  /** An object with exactly these fields. */
  record Fields(Map<String, Shape> fields) implements Shape {}

  /** A list; with {@code set}, no item may appear twice (openshift/api {@code listType=set}). */
  record ListOf(Shape item, boolean set) implements Shape {}

  /** A string. */
  record Text() implements Shape {}

  /** One string of {@code values}. */
  record OneOf(List<String> values) implements Shape {}

  /** true or false. */
  record Flag() implements Shape {}

  /** An integer. */
  record Whole() implements Shape {}

  /** An object of string values with any keys (labels, annotations). */
  record TextMap() implements Shape {}

  /** Anything: parts ccd does not read and the server checks elsewhere (managed fields). */
  record Free() implements Shape {}

  private static final Shape TEXT = new Text();
  private static final Shape TEXTS = new ListOf(TEXT, false);
  private static final Shape TEXT_SET = new ListOf(TEXT, true);

  /** Values of {@code mirrorSourcePolicy}, as openshift/api's enum marker lists them. */
  public static final List<String> MIRROR_SOURCE_POLICIES =
      List.of("NeverContactSource", "AllowContactingSource");

  private static final Shape METADATA =
      fields(
          Map.entry("name", TEXT),
          Map.entry("generateName", TEXT),
          Map.entry("namespace", TEXT),
          Map.entry("selfLink", TEXT),
          Map.entry("uid", TEXT),
          Map.entry("resourceVersion", TEXT),
          Map.entry("generation", new Whole()),
          Map.entry("creationTimestamp", TEXT),
          Map.entry("deletionTimestamp", TEXT),
          Map.entry("deletionGracePeriodSeconds", new Whole()),
          Map.entry("labels", new TextMap()),
          Map.entry("annotations", new TextMap()),
          Map.entry("ownerReferences", new ListOf(new Free(), false)),
          Map.entry("finalizers", TEXTS),
          Map.entry("managedFields", new ListOf(new Free(), false)));

  private static Shape mirrorSet(String listField) {
    Shape entry =
        fields(
            Map.entry("source", TEXT),
            Map.entry("mirrors", TEXT_SET),
            Map.entry("mirrorSourcePolicy", new OneOf(MIRROR_SOURCE_POLICIES)));
    return object(fields(Map.entry(listField, new ListOf(entry, false))), fields());
  }

  private static Shape object(Shape spec, Shape status) {
    Map<String, Shape> root = new LinkedHashMap<>();
    root.put("apiVersion", TEXT);
    root.put("kind", TEXT);
    root.put("metadata", METADATA);
    root.put("spec", spec);
    if (status != null) {
      root.put("status", status);
    }
    return new Fields(root);
  }

  private static final Map<String, Shape> KINDS =
      Map.of(
          "ImageDigestMirrorSet",
          mirrorSet("imageDigestMirrors"),
          "ImageTagMirrorSet",
          mirrorSet("imageTagMirrors"),
          "ImageContentSourcePolicy",
          object(
              fields(
                  Map.entry(
                      "repositoryDigestMirrors",
                      new ListOf(
                          fields(Map.entry("source", TEXT), Map.entry("mirrors", TEXT_SET)),
                          false))),
              null),
          "Image",
          object(
              fields(
                  Map.entry(
                      "allowedRegistriesForImport",
                      new ListOf(
                          fields(Map.entry("domainName", TEXT), Map.entry("insecure", new Flag())),
                          false)),
                  Map.entry("externalRegistryHostnames", TEXTS),
                  Map.entry("additionalTrustedCA", fields(Map.entry("name", TEXT))),
                  Map.entry(
                      "registrySources",
                      fields(
                          Map.entry("insecureRegistries", TEXTS),
                          Map.entry("blockedRegistries", TEXTS),
                          Map.entry("allowedRegistries", TEXTS),
                          Map.entry("containerRuntimeSearchRegistries", TEXT_SET))),
                  Map.entry(
                      "imageStreamImportMode", new OneOf(List.of("Legacy", "PreserveOriginal")))),
              fields(
                  Map.entry("internalRegistryHostname", TEXT),
                  Map.entry("externalRegistryHostnames", TEXTS),
                  Map.entry("imageStreamImportMode", TEXT))));

  @SafeVarargs
  private static Shape fields(Map.Entry<String, Shape>... entries) {
    Map<String, Shape> m = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> e : entries) {
      m.put(e.getKey(), e.getValue());
    }
    return new Fields(m);
  }

  /** Whether {@code kind} is one this schema describes. */
  public static boolean knows(String kind) {
    return KINDS.containsKey(kind);
  }

  /**
   * Every structural problem of {@code object}, a {@code kind} object read from {@code file}; each
   * field is {@code where} followed by the path ({@code spec.imageDigestMirrors[0].mirrors}). Empty
   * for an unknown kind (the reader names that itself).
   */
  public static List<Problem> check(String kind, JsonNode object, String file, String where) {
    List<Problem> problems = new ArrayList<>();
    Optional.ofNullable(KINDS.get(kind))
        .ifPresent(shape -> walk(shape, object, "", file, where, problems));
    return problems;
  }

  private static void walk(
      Shape shape, JsonNode value, String path, String file, String where, List<Problem> out) {
    if (value == null || value.isNull()) {
      return;
    }
    if (shape instanceof Fields f) {
      if (!value.isObject()) {
        out.add(problem(file, where, path, "expected an object"));
        return;
      }
      var names = value.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        String child = path.isEmpty() ? name : path + "." + name;
        Shape s = f.fields().get(name);
        if (s == null) {
          out.add(
              problem(
                  file,
                  where,
                  child,
                  "unknown field (allowed: "
                      + (f.fields().isEmpty() ? "none" : String.join(", ", f.fields().keySet()))
                      + ")"));
        } else {
          walk(s, value.get(name), child, file, where, out);
        }
      }
    } else if (shape instanceof ListOf l) {
      if (!value.isArray()) {
        out.add(problem(file, where, path, "expected a list"));
        return;
      }
      Set<JsonNode> seen = new HashSet<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        String child = path + "[" + i + "]";
        if (l.set() && item.isTextual() && !seen.add(item)) {
          out.add(
              problem(
                  file,
                  where,
                  child,
                  "duplicate value " + Validator.goQuote(item.asText()) + " (a set: each once)"));
        }
        walk(l.item(), item, child, file, where, out);
      }
    } else if (shape instanceof Text) {
      if (!value.isTextual()) {
        out.add(problem(file, where, path, "expected a string"));
      }
    } else if (shape instanceof OneOf o) {
      if (!value.isTextual()) {
        out.add(
            problem(
                file,
                where,
                path,
                "expected a string (allowed: " + String.join(", ", o.values()) + ")"));
      } else if (!o.values().contains(value.asText())) {
        out.add(
            problem(
                file,
                where,
                path,
                "unsupported value "
                    + Validator.goQuote(value.asText())
                    + " (allowed: "
                    + String.join(", ", o.values())
                    + ")"));
      }
    } else if (shape instanceof Flag) {
      if (!value.isBoolean()) {
        out.add(problem(file, where, path, "expected true or false"));
      }
    } else if (shape instanceof Whole) {
      if (!value.isIntegralNumber()) {
        out.add(problem(file, where, path, "expected an integer"));
      }
    } else if (shape instanceof TextMap) {
      if (!value.isObject()) {
        out.add(problem(file, where, path, "expected an object of strings"));
        return;
      }
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        if (!e.getValue().isTextual() && !e.getValue().isNull()) {
          out.add(
              problem(
                  file,
                  where,
                  path + "." + e.getKey(),
                  "expected a string (quote numbers and booleans)"));
        }
      }
    }
    // Free: not read by ccd
  }

  private static Problem problem(String file, String where, String path, String message) {
    String field = path.isEmpty() ? where : where.isEmpty() ? path : where + " " + path;
    return Problem.error(file, field, message);
  }
}
