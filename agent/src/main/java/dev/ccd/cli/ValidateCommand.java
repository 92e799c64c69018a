package dev.ccd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccd.machineconfig.ContentValidator;
import dev.ccd.machineconfig.IgnitionDecoder;
import dev.ccd.machineconfig.InvalidConfigException;
import dev.ccd.machineconfig.MachineConfigDocument;
import dev.ccd.machineconfig.MachineConfigReader;
import dev.ccd.machineconfig.ManagedPaths;
import dev.ccd.registries.EffectiveConfig;
import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSetRenderer;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.MirrorSetsReader;
import dev.ccd.registries.PolicyJsonValidator;
import dev.ccd.registries.Problem;
import dev.ccd.registries.SafeText;
import dev.ccd.registries.YamlDocuments;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ccd validate}: checks registries.conf (with drop-ins), policy.json, MachineConfig and
 * mirror-set files the way their consumers will read them.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate registries.conf (and drop-ins), policy.json, MachineConfig or mirror-set files.",
      "Prints FILE: field: message for each problem; warnings do not fail."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:all valid", "1:at least one error"})
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dropin-dir",
      paramLabel = "DIR",
      description = "registries.conf.d directory merged with the registries.conf given")
  Optional<Path> dropInDir;

  @Parameters(arity = "0..*", paramLabel = "FILE", description = "files to validate")
  List<Path> files = new ArrayList<>();

  /** What a file is, judged by name and content. */
  enum Kind {
    REGISTRIES_CONF,
    POLICY_JSON,
    MACHINE_CONFIG,
    MIRROR_SETS
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (files.isEmpty() && dropInDir.isEmpty()) {
      err.println("validate: give at least one FILE or --dropin-dir");
      return 2;
    }
    boolean ok = true;
    InputFile.Limits limits = InputFile.Limits.current();
    List<Path> registriesConfs = new ArrayList<>();
    for (Path file : files) {
      String text;
      Kind kind;
      try {
        // The larger limit first: only the content says whether a .json file is a MachineConfig.
        text = InputFile.text(file, Math.max(limits.file(), limits.config()));
        kind = kindOf(file, text);
        if (kind != Kind.MACHINE_CONFIG && text.length() > limits.file()) {
          text = InputFile.text(file, limits.file()); // refused with the file limit's message
        }
      } catch (InputFile.Unreadable e) {
        err.println(SafeText.escape(e.getMessage()));
        ok = false;
        continue;
      }
      List<Problem> problems;
      switch (kind) {
        case POLICY_JSON -> problems = PolicyJsonValidator.validate(text, file.toString());
        case MACHINE_CONFIG -> problems = machineConfig(text, file.toString());
        case MIRROR_SETS -> problems = mirrorSets(text, file.toString());
        default -> {
          registriesConfs.add(file);
          continue;
        }
      }
      ok &= report(out, err, file.toString(), problems);
    }
    if (registriesConfs.isEmpty() && dropInDir.isPresent()) {
      registriesConfs.add(null); // the drop-ins alone, on an absent main file
    }
    for (Path conf : registriesConfs) {
      EffectiveConfig effective;
      try {
        effective =
            RegistriesConfFiles.load(
                conf == null ? dropInDir.get().resolveSibling("registries.conf") : conf,
                dropInDir.orElse(null),
                conf != null,
                limits.file());
      } catch (InputFile.Unreadable e) {
        err.println(SafeText.escape(e.getMessage()));
        ok = false;
        continue;
      }
      String name = conf == null ? dropInDir.get().toString() : conf.toString();
      ok &= report(out, err, name, effective.problems());
    }
    return ok ? 0 : 1;
  }

  private static boolean report(PrintWriter out, PrintWriter err, String name, List<Problem> ps) {
    boolean errors = ps.stream().anyMatch(Problem::isError);
    for (Problem p : ps) {
      String line = p.file().equals(name) ? p.toString() : SafeText.escape(name) + ": " + p;
      (p.isError() ? err : out).println(line);
    }
    if (!errors) {
      out.println(SafeText.escape(name) + ": valid");
    }
    return !errors;
  }

  static Kind kindOf(Path file, String text) {
    String name = file.getFileName().toString();
    if (name.endsWith(".conf") || name.endsWith(".toml")) {
      return Kind.REGISTRIES_CONF;
    }
    if (name.endsWith(".json") || name.endsWith(".yaml") || name.endsWith(".yml")) {
      try {
        List<JsonNode> documents = YamlDocuments.yaml(text);
        JsonNode first = documents.stream().filter(d -> d != null).findFirst().orElse(null);
        if (first != null && first.has("kind")) {
          return "MachineConfig".equals(first.path("kind").asText())
              ? Kind.MACHINE_CONFIG
              : Kind.MIRROR_SETS;
        }
      } catch (YamlDocuments.Refusal e) {
        // not YAML: judged by name below, where the real parser reports the error
      }
      return name.endsWith(".json") ? Kind.POLICY_JSON : Kind.MACHINE_CONFIG;
    }
    return Kind.REGISTRIES_CONF;
  }

  private static List<Problem> machineConfig(String text, String source) {
    try {
      MachineConfigDocument doc = MachineConfigReader.parse(text, source);
      IgnitionDecoder.Decoded decoded = IgnitionDecoder.check(doc, ManagedPaths.DEFAULT);
      List<Problem> all = new ArrayList<>(decoded.warnings());
      all.addAll(ContentValidator.check(decoded.files()));
      return all;
    } catch (InvalidConfigException e) {
      return e.problems();
    }
  }

  private static List<Problem> mirrorSets(String text, String source) {
    try {
      MirrorSets sets = MirrorSetsReader.parse(text, source);
      return MirrorSetRenderer.validate(sets);
    } catch (MirrorSetException e) {
      return e.problems();
    }
  }
}
