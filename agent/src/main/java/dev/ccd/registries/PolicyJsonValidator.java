package dev.ccd.registries;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a containers-policy.json (signature verification policy) the way containers/image reads
 * it: strict JSON (no duplicate or unknown keys), a non-empty {@code default}, and {@code
 * transports} of scope → requirement lists, each requirement with its required fields.
 */
public final class PolicyJsonValidator {
  private PolicyJsonValidator() {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private static final Set<String> TRANSPORTS =
      Set.of(
          "atomic",
          "containers-storage",
          "dir",
          "docker",
          "docker-archive",
          "docker-daemon",
          "oci",
          "oci-archive",
          "ostree",
          "sif",
          "tarball");
  private static final Set<String> KEY_TYPES =
      Set.of("GPGKeys", "signedByGPGKeys", "X509Certificates", "signedByX509CAs");
  private static final Map<String, Set<String>> IDENTITY_FIELDS =
      Map.of(
          "matchExact", Set.of(),
          "matchRepoDigestOrExact", Set.of(),
          "matchRepository", Set.of(),
          "exactReference", Set.of("dockerReference"),
          "exactRepository", Set.of("dockerRepository"),
          "remapIdentity", Set.of("prefix", "signedPrefix"));

  /** All problems of {@code text} (the content of {@code file}); empty when it is valid. */
  public static List<Problem> validate(String text, String file) {
    List<Problem> out = new ArrayList<>();
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonParseException e) {
      JsonLocation at = e.getLocation();
      out.add(
          Problem.error(
              file,
              "",
              "invalid JSON at line "
                  + at.getLineNr()
                  + ", column "
                  + at.getColumnNr()
                  + ": "
                  + e.getOriginalMessage()));
      return out;
    } catch (JsonProcessingException e) {
      out.add(Problem.error(file, "", "invalid JSON: " + e.getOriginalMessage()));
      return out;
    }
    if (root == null || !root.isObject()) {
      out.add(Problem.error(file, "", "policy must be a JSON object"));
      return out;
    }
    new Check(file, out).policy(root);
    return out;
  }

  private record Check(String file, List<Problem> out) {
    void policy(JsonNode root) {
      onlyKeys(root, "", Set.of("default", "transports"));
      JsonNode def = root.get("default");
      if (def == null) {
        error("default", "Default policy is missing");
      } else {
        requirements(def, "default");
      }
      JsonNode transports = root.get("transports");
      if (transports == null || transports.isNull()) {
        return;
      }
      if (!transports.isObject()) {
        error("transports", "must be an object of transport name → scopes");
        return;
      }
      for (Map.Entry<String, JsonNode> t : transports.properties()) {
        String tPath = "transports." + key(t.getKey());
        if (!TRANSPORTS.contains(t.getKey())) {
          out.add(Problem.warning(file, tPath, "unknown transport " + quote(t.getKey())));
        }
        if (!t.getValue().isObject()) {
          error(tPath, "must be an object of scope → requirements");
          continue;
        }
        for (Map.Entry<String, JsonNode> scope : t.getValue().properties()) {
          requirements(scope.getValue(), tPath + "[" + quote(scope.getKey()) + "]");
        }
      }
    }

    private void requirements(JsonNode node, String path) {
      if (!node.isArray()) {
        error(path, "must be an array of policy requirements");
        return;
      }
      if (node.isEmpty()) {
        error(path, "Policy requirements must not be an empty list");
        return;
      }
      for (int i = 0; i < node.size(); i++) {
        requirement(node.get(i), path + "[" + i + "]");
      }
    }

    private void requirement(JsonNode req, String path) {
      if (!req.isObject()) {
        error(path, "a policy requirement must be an object");
        return;
      }
      JsonNode type = req.get("type");
      if (type == null || !type.isTextual()) {
        error(path + ".type", "Policy requirement has no type field");
        return;
      }
      switch (type.asText()) {
        case "insecureAcceptAnything", "reject" -> onlyKeys(req, path, Set.of("type"));
        case "signedBy" -> {
          onlyKeys(
              req,
              path,
              Set.of("type", "keyType", "keyPath", "keyPaths", "keyData", "signedIdentity"));
          JsonNode keyType = req.get("keyType");
          if (keyType == null) {
            error(path + ".keyType", "keyType is required for signedBy");
          } else if (!keyType.isTextual() || !KEY_TYPES.contains(keyType.asText())) {
            error(
                path + ".keyType", "unknown keyType " + keyType + ", expected one of " + KEY_TYPES);
          }
          exactlyOne(req, path, List.of("keyPath", "keyPaths", "keyData"), "signedBy");
          identity(req.get("signedIdentity"), path + ".signedIdentity");
        }
        case "sigstoreSigned" -> {
          onlyKeys(
              req,
              path,
              Set.of(
                  "type",
                  "keyPath",
                  "keyPaths",
                  "keyData",
                  "keyDatas",
                  "fulcio",
                  "pki",
                  "rekorPublicKeyPath",
                  "rekorPublicKeyPaths",
                  "rekorPublicKeyData",
                  "rekorPublicKeyDatas",
                  "signedIdentity"));
          exactlyOne(
              req,
              path,
              List.of("keyPath", "keyPaths", "keyData", "keyDatas", "fulcio", "pki"),
              "sigstoreSigned");
          if (req.has("fulcio") && !req.get("fulcio").isObject()) {
            error(path + ".fulcio", "fulcio must be an object");
          }
          identity(req.get("signedIdentity"), path + ".signedIdentity");
        }
        default -> error(path + ".type", "Unknown policy requirement type " + quote(type.asText()));
      }
    }

    private void exactlyOne(JsonNode req, String path, List<String> keys, String type) {
      List<String> present = keys.stream().filter(req::has).toList();
      if (present.size() != 1) {
        error(
            path,
            type
                + " needs exactly one of "
                + String.join(", ", keys)
                + (present.isEmpty()
                    ? " (none given)"
                    : " (given: " + String.join(", ", present) + ")"));
        return;
      }
      JsonNode v = req.get(present.get(0));
      boolean plural = present.get(0).endsWith("s");
      if (present.get(0).equals("fulcio") || present.get(0).equals("pki")) {
        return;
      }
      if (plural ? !(v.isArray() && !v.isEmpty()) : !(v.isTextual() && !v.asText().isEmpty())) {
        error(
            path + "." + present.get(0),
            plural ? "must be a non-empty array of strings" : "must be a non-empty string");
      }
    }

    private void identity(JsonNode id, String path) {
      if (id == null) {
        return;
      }
      if (!id.isObject() || !id.has("type") || !id.get("type").isTextual()) {
        error(path, "signedIdentity must be an object with a type");
        return;
      }
      String type = id.get("type").asText();
      Set<String> fields = IDENTITY_FIELDS.get(type);
      if (fields == null) {
        error(path + ".type", "Unknown signedIdentity type " + quote(type));
        return;
      }
      Set<String> allowed = new java.util.HashSet<>(fields);
      allowed.add("type");
      onlyKeys(id, path, allowed);
      for (String f : fields) {
        if (!id.has(f) || !id.get(f).isTextual() || id.get(f).asText().isEmpty()) {
          error(path + "." + f, f + " is required for " + type);
        }
      }
    }

    private void onlyKeys(JsonNode node, String path, Set<String> allowed) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          error((path.isEmpty() ? "" : path + ".") + key(k), "Unknown key " + quote(k));
        }
      }
    }

    private void error(String field, String message) {
      out.add(Problem.error(file, field, message));
    }

    private static String key(String k) {
      return k.matches("[A-Za-z0-9_-]+") ? k : "[" + quote(k) + "]";
    }

    private static String quote(String s) {
      return Validator.goQuote(s);
    }
  }
}
