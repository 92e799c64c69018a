package dev.ccd.cli;

import dev.ccd.machineconfig.GeneratedRegistries;
import dev.ccd.machineconfig.GeneratedRegistries.Layout;
import dev.ccd.machineconfig.GeneratedRegistries.Rendering;
import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.ParsedConf;
import dev.ccd.registries.Problem;
import dev.ccd.registries.RegistriesConf;
import dev.ccd.registries.RegistriesToml;
import dev.ccd.registries.SafeText;
import dev.ccd.registries.Validator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ccd render}: mirror sets (and an Image config) to the registries.conf rules and
 * policy.json the machine-config-operator would generate, as TOML or as a MachineConfig.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Render ImageDigestMirrorSets, ImageTagMirrorSets, ImageContentSourcePolicies and an Image"
          + " config into registries.conf rules, as the machine-config-operator does.",
      "Layout dropin (default) writes only the generated rules to"
          + " /etc/containers/registries.conf.d/99-<pool>-generated-registries.conf; whole-file"
          + " writes /etc/containers/registries.conf from OpenShift's template, like the MCO."
    })
public final class RenderCommand implements Callable<Integer> {
  static final String WHOLE_FILE_PATH = GeneratedRegistries.WHOLE_FILE_PATH;
  static final String POLICY_PATH = GeneratedRegistries.POLICY_PATH;
  private static final Pattern POOL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** What to print. */
  public enum Format {
    toml,
    machineconfig
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--mirror-sets",
      arity = "1..*",
      paramLabel = "PATH",
      description =
          "YAML/JSON files or directories with IDMS, ITMS, ICSP (and Image) objects. A directory"
              + " is read recursively (*.yaml, *.yml, *.json, in path order); a file in it that"
              + " holds no mirror-set kind (a MachineConfig) is skipped with a note on stderr;"
              + " a file of a wrong kind named directly is an error.")
  List<Path> mirrorSets;

  @Option(
      names = "--upgrade",
      paramLabel = "FILE",
      description =
          "instead of mirror sets: rewrite a registries.conf (v1 or v2) in the v2 format,"
              + " with the same meaning")
  Path upgrade;

  @Option(
      names = "--image-config",
      paramLabel = "FILE",
      description = "the Image config (config.openshift.io/v1) with spec.registrySources")
  Path imageConfig;

  @Option(
      names = "--release-image",
      paramLabel = "IMAGE",
      description =
          "the cluster's release payload (ClusterVersion status.desired.image): a blocked registry"
              + " that serves it is dropped unless an unblocked digest mirror serves it, as the"
              + " machine-config-operator does")
  String releaseImage;

  @Option(
      names = "--pool",
      paramLabel = "NAME",
      defaultValue = "worker",
      description = "machine config pool (default: ${DEFAULT-VALUE})")
  String pool;

  @Option(
      names = "--layout",
      paramLabel = "LAYOUT",
      defaultValue = "dropin",
      converter = LayoutConverter.class,
      description = "dropin or whole-file (default: ${DEFAULT-VALUE})")
  Layout layout;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "toml",
      description = "toml or machineconfig (default: ${DEFAULT-VALUE})")
  Format output;

  private final BiFunction<RegistriesConf, List<String>, String> toml;

  /** The command with ccd's TOML encoder. */
  public RenderCommand() {
    this(RegistriesToml::write);
  }

  /** With an explicit TOML encoder {@code (conf, headerComments) -> text}. */
  public RenderCommand(BiFunction<RegistriesConf, List<String>, String> toml) {
    this.toml = toml;
  }

  static final class LayoutConverter implements CommandLine.ITypeConverter<Layout> {
    @Override
    public Layout convert(String value) {
      return Layout.of(value)
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "'" + value + "' is not a layout (dropin, whole-file)"));
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!POOL.matcher(pool).matches()) {
      err.println("--pool: invalid pool name \"" + pool + "\" (lower-case letters, digits, '-')");
      return 2;
    }
    if ((mirrorSets == null) == (upgrade == null)) {
      err.println("render: give either --mirror-sets PATH... or --upgrade FILE");
      return 2;
    }
    Rendering rendering;
    if (upgrade != null) {
      Optional<Rendering> upgraded = upgrade(upgrade, err);
      if (upgraded.isEmpty()) {
        return 1;
      }
      rendering = upgraded.get();
    } else {
      try {
        rendering =
            GeneratedRegistries.render(
                readInput(), pool, layout, Optional.ofNullable(releaseImage));
      } catch (MirrorSetException e) {
        e.problems().forEach(err::println);
        return 1;
      }
    }
    rendering.warnings().forEach(err::println);
    String registriesText;
    try {
      registriesText = toml.apply(rendering.registries(), rendering.headerComments());
    } catch (IllegalStateException e) {
      err.println("render: " + e.getMessage());
      return 1;
    }
    switch (output) {
      case toml -> {
        out.print(registriesText);
        rendering
            .policyJson()
            .ifPresent(
                p ->
                    err.println(
                        "note: the Image config also yields "
                            + POLICY_PATH
                            + "; -o machineconfig includes it"));
      }
      case machineconfig ->
          out.print(GeneratedRegistries.machineConfigYaml(rendering, registriesText, pool));
    }
    out.flush();
    return 0;
  }

  /**
   * A registries.conf read as containers/image reads it (v1 sections converted) and rendered as v2
   * for {@code /etc/containers/registries.conf}. Invalid input is refused with its problems.
   */
  static Optional<Rendering> upgrade(Path file, PrintWriter err) {
    String text;
    try {
      text = InputFile.text(file, InputFile.Limits.current().file());
    } catch (InputFile.Unreadable e) {
      err.println(SafeText.escape(e.getMessage()));
      return Optional.empty();
    }
    ParsedConf parsed = RegistriesToml.parse(text, file.toString());
    List<Problem> problems = Validator.validate(parsed);
    problems.forEach(err::println);
    if (problems.stream().anyMatch(Problem::isError)) {
      return Optional.empty();
    }
    if (!parsed.v1()) {
      err.println("note: " + file + " is already in the v2 format; rewritten as ccd writes v2");
    }
    return Optional.of(
        new Rendering(
            WHOLE_FILE_PATH,
            parsed.conf(),
            List.of("Upgraded by ccd render --upgrade from " + file + " (same meaning, v2 format)"),
            Optional.empty(),
            List.of()));
  }

  private MirrorSets readInput() throws MirrorSetException {
    MirrorSets sets = MirrorSetFiles.read(mirrorSets, spec.commandLine().getErr()::println);
    if (imageConfig == null) {
      return sets;
    }
    MirrorSets image =
        MirrorSetFiles.read(List.of(imageConfig), spec.commandLine().getErr()::println);
    if (image.imageConfig().isEmpty() || image.objects().size() != 1) {
      throw new MirrorSetException(
          Problem.error(
              imageConfig.toString(), "", "--image-config must hold exactly one Image object"));
    }
    return MirrorSets.combine(List.of(sets, image));
  }
}
