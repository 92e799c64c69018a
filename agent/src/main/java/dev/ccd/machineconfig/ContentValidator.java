package dev.ccd.machineconfig;

import dev.ccd.registries.ParsedConf;
import dev.ccd.registries.PolicyJsonValidator;
import dev.ccd.registries.Problem;
import dev.ccd.registries.RegistriesConf;
import dev.ccd.registries.RegistriesToml;
import dev.ccd.registries.Validator;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the decoded contents of managed files the way their readers will: registries.conf and its
 * drop-ins with containers/image's rules, policy.json against its schema. Problems name the file
 * path and the field.
 */
public final class ContentValidator {
  private ContentValidator() {}

  /** Every problem in every file of {@code files}; empty when all are valid. */
  public static List<Problem> check(DesiredFiles files) {
    List<Problem> problems = new ArrayList<>();
    for (DesiredFile f : files.files()) {
      problems.addAll(check(f.path(), f.content()));
    }
    return problems;
  }

  /** Problems of one file's content, judged by its path. */
  public static List<Problem> check(String path, byte[] content) {
    if (isRegistriesConf(path) || isDropIn(path) || path.equals(ManagedPaths.POLICY_JSON)) {
      String text;
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(content))
                .toString();
      } catch (CharacterCodingException e) {
        return List.of(Problem.error(path, "", "not valid UTF-8 text"));
      }
      if (path.equals(ManagedPaths.POLICY_JSON)) {
        return PolicyJsonValidator.validate(text, path);
      }
      ParsedConf parsed = RegistriesToml.parse(text, path);
      return isDropIn(path) ? Validator.validateDropIn(parsed) : Validator.validate(parsed);
    }
    return List.of();
  }

  /**
   * Parses registries.conf text for the disruption analysis; throws on text that does not decode
   * (content is validated before planning, so this does not happen in an update).
   */
  public static RegistriesConf parseRegistries(String text, String file) {
    ParsedConf parsed = RegistriesToml.parse(text, file);
    if (parsed.hasDecodeErrors()) {
      throw new IllegalArgumentException(
          file + ": " + Validator.errors(parsed.problems()).get(0).message());
    }
    return parsed.conf();
  }

  private static boolean isRegistriesConf(String path) {
    return path.equals(ManagedPaths.REGISTRIES_CONF);
  }

  private static boolean isDropIn(String path) {
    return path.startsWith(ManagedPaths.REGISTRIES_CONF_D) && path.endsWith(".conf");
  }
}
