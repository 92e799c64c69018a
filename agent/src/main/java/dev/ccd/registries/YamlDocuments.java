package dev.ccd.registries;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads the documents of a YAML (or JSON) text into trees, within limits an attacker cannot
 * stretch: nesting depth, code points, string length. Aliases ({@code *name}) are refused: Jackson
 * would turn them into the anchor's name as a string, silently changing the meaning of the input.
 */
public final class YamlDocuments {
  /** Deepest nesting of lists and maps accepted; real MachineConfigs and mirror sets use < 15. */
  public static final int MAX_DEPTH = 64;

  /** Most code points in one text; above the largest file limit, so that limit speaks first. */
  public static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

  private static final StreamReadConstraints CONSTRAINTS =
      StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(MAX_CODE_POINTS)
          .maxNameLength(64 * 1024)
          .build();

  private static final YAMLFactory YAML_FACTORY = yamlFactory();
  private static final YAMLMapper YAML = new YAMLMapper(YAML_FACTORY);
  private static final JsonMapper JSON =
      JsonMapper.builder(
              com.fasterxml.jackson.core.JsonFactory.builder()
                  .streamReadConstraints(CONSTRAINTS)
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private YamlDocuments() {}

  /** Why a text was refused: the document (1-based) and what is wrong, in words. */
  public static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final int document;

    Refusal(int document, String message) {
      super(message);
      this.document = document;
    }

    /** The 1-based document the problem is in. */
    public int document() {
      return document;
    }
  }

  private static YAMLFactory yamlFactory() {
    LoaderOptions loader = new LoaderOptions();
    loader.setCodePointLimit(MAX_CODE_POINTS);
    loader.setNestingDepthLimit(MAX_DEPTH);
    loader.setMaxAliasesForCollections(0);
    loader.setAllowDuplicateKeys(false);
    return YAMLFactory.builder()
        .loaderOptions(loader)
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .streamReadConstraints(CONSTRAINTS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  /**
   * Every document of a YAML stream, in order; an empty document (a trailing {@code ---}) is a
   * {@code null} element.
   *
   * @throws Refusal for a syntax error, an alias, or a limit exceeded
   */
  public static List<JsonNode> yaml(String text) throws Refusal {
    refuseAliases(text);
    List<JsonNode> documents = new ArrayList<>();
    // One tree per document; a MappingIterator would unwrap a root-level list into "documents".
    try (YAMLParser p = YAML_FACTORY.createParser(text)) {
      while (p.nextToken() != null) {
        documents.add(YAML.readTree(p));
      }
    } catch (IOException | RuntimeException e) {
      throw new Refusal(documents.size() + 1, message(e));
    }
    return documents;
  }

  /**
   * The one JSON value of {@code text}; anything after it is refused.
   *
   * @throws Refusal for a syntax error, trailing content, or a limit exceeded
   */
  public static JsonNode json(String text) throws Refusal {
    try {
      return JSON.readTree(text);
    } catch (IOException | RuntimeException e) {
      if (e instanceof JsonProcessingException jpe
          && jpe.getOriginalMessage().startsWith("Trailing token")) {
        throw new Refusal(2, "more than one JSON value; the second starts" + location(jpe));
      }
      throw new Refusal(1, message(e));
    }
  }

  /** A first pass over the events: SnakeYAML reports aliases only on the streaming level. */
  private static void refuseAliases(String text) throws Refusal {
    int document = 0;
    try (YAMLParser p = YAML_FACTORY.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (p.getParsingContext().inRoot()
            && t != JsonToken.END_OBJECT
            && t != JsonToken.END_ARRAY) {
          document++;
        }
        if (p.isCurrentAlias()) {
          String field = p.getParsingContext().pathAsPointer().toString();
          throw new Refusal(
              Math.max(document, 1),
              "YAML alias *"
                  + p.getText()
                  + (field.isEmpty() ? "" : " at " + field)
                  + location(p)
                  + " is not supported; write the value out in full");
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new Refusal(Math.max(document, 1), message(e));
    }
  }

  private static String location(JsonParser p) {
    var l = p.currentLocation();
    return l == null || l.getLineNr() <= 0 ? "" : " (line " + l.getLineNr() + ")";
  }

  private static String location(JsonProcessingException e) {
    var l = e.getLocation();
    return l == null || l.getLineNr() <= 0
        ? ""
        : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
  }

  /** The cause in words, with the line where the parser knows it; never a class name. */
  static String message(Throwable e) {
    if (e instanceof JsonProcessingException jpe) {
      String m = firstLine(jpe.getOriginalMessage());
      if (jpe.getLocation() != null && jpe.getLocation().getLineNr() > 0) {
        m +=
            " (line "
                + jpe.getLocation().getLineNr()
                + ", column "
                + jpe.getLocation().getColumnNr()
                + ")";
      }
      return m;
    }
    return firstLine(e.getMessage() == null ? "unreadable input" : e.getMessage());
  }

  /**
   * SnakeYAML's message spans lines: context, location, a snippet with a caret, the problem. Keep
   * the sentences (lines that start in column 0), drop the snippets, strip class names.
   */
  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable input";
    }
    StringBuilder b = new StringBuilder();
    for (String line : s.split("\n")) {
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        b.append(b.length() == 0 ? "" : "; ").append(line.strip());
      }
    }
    return b.toString()
        .replaceAll("<?\\b(?:[a-z]+\\.)+AliasEvent\\(anchor=([^)]*)\\)>?", "an alias *$1")
        .replaceAll("<?\\b(?:[a-z]+\\.)+([A-Z][A-Za-z]*)Event\\b(?:\\([^)]*\\))?>?", "a YAML $1")
        .replaceAll("\\b(?:[a-z]+\\.)+[A-Z][A-Za-z]*(?:Exception|Error)\\b:? ?", "")
        .strip();
  }
}
