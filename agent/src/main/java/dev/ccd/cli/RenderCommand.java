package dev.ccd.cli;

import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.Owner;
import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSetRenderer;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.ParsedConf;
import dev.ccd.registries.PayloadScopes;
import dev.ccd.registries.PolicyJsonRenderer;
import dev.ccd.registries.Problem;
import dev.ccd.registries.RegistriesConf;
import dev.ccd.registries.RegistriesToml;
import dev.ccd.registries.SafeText;
import dev.ccd.registries.Validator;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
  static final String WHOLE_FILE_PATH = "/etc/containers/registries.conf";
  static final String POLICY_PATH = "/etc/containers/policy.json";
  private static final Pattern POOL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Where the rendered rules go. */
  public enum Layout {
    DROPIN("dropin"),
    WHOLE_FILE("whole-file");

    final String flag;

    Layout(String flag) {
      this.flag = flag;
    }

    @Override
    public String toString() {
      return flag;
    }

    static Layout of(String flag) {
      for (Layout l : values()) {
        if (l.flag.equals(flag)) {
          return l;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + flag + "' is not a layout (dropin, whole-file)");
    }
  }

  /** What to print. */
  public enum Format {
    toml,
    machineconfig
  }

  /**
   * The rendered files before encoding: the registries rules, their header, maybe policy.json; and
   * what was left out with a warning (a blocked scope that would block the release payload).
   */
  public record Rendering(
      String registriesPath,
      RegistriesConf registries,
      List<String> headerComments,
      Optional<String> policyJson,
      List<Problem> warnings) {
    public Rendering {
      headerComments = List.copyOf(headerComments);
      warnings = List.copyOf(warnings);
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--mirror-sets",
      arity = "1..*",
      paramLabel = "PATH",
      description = "YAML/JSON files or directories with IDMS, ITMS, ICSP (and Image) objects")
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
      return Layout.of(value);
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
        rendering = render(readInput(), pool, layout, Optional.ofNullable(releaseImage));
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
      case machineconfig -> out.print(machineConfigYaml(rendering, registriesText, pool));
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

  /** The MachineConfig {@code 99-<pool>-generated-registries} carrying a rendering's files. */
  static String machineConfigYaml(Rendering rendering, String registriesText, String pool) {
    List<DesiredFile> files = new ArrayList<>();
    files.add(file(rendering.registriesPath(), registriesText));
    rendering.policyJson().ifPresent(p -> files.add(file(POLICY_PATH, p)));
    return IgnitionEncoder.toYaml(
        IgnitionEncoder.machineConfig(IgnitionEncoder.generatedName(pool), pool, files));
  }

  private MirrorSets readInput() throws MirrorSetException {
    MirrorSets sets = MirrorSetFiles.read(mirrorSets);
    if (imageConfig == null) {
      return sets;
    }
    MirrorSets image = MirrorSetFiles.read(List.of(imageConfig));
    if (image.imageConfig().isEmpty() || image.objects().size() != 1) {
      throw new MirrorSetException(
          Problem.error(
              imageConfig.toString(), "", "--image-config must hold exactly one Image object"));
    }
    return MirrorSets.combine(List.of(sets, image));
  }

  /** The files for {@code input} in {@code layout}, with no release payload to protect; pure. */
  public static Rendering render(MirrorSets input, String pool, Layout layout)
      throws MirrorSetException {
    return render(input, pool, layout, Optional.empty());
  }

  /** The files for {@code input} in {@code layout}, protecting {@code releaseImage}; pure. */
  public static Rendering render(
      MirrorSets input, String pool, Layout layout, Optional<String> releaseImage)
      throws MirrorSetException {
    RegistriesConf template =
        layout == Layout.WHOLE_FILE ? MirrorSetRenderer.OPENSHIFT_TEMPLATE : RegistriesConf.EMPTY;
    String path = layout == Layout.WHOLE_FILE ? WHOLE_FILE_PATH : dropInPath(pool);
    PayloadScopes scopes = PayloadScopes.of(input, releaseImage);
    RegistriesConf conf = MirrorSetRenderer.render(input, template, scopes);
    Optional<String> policy = PolicyJsonRenderer.render(input, scopes);
    return new Rendering(path, conf, header(input), policy, scopes.warnings());
  }

  /** {@code /etc/containers/registries.conf.d/99-<pool>-generated-registries.conf}. */
  public static String dropInPath(String pool) {
    return "/etc/containers/registries.conf.d/" + IgnitionEncoder.generatedName(pool) + ".conf";
  }

  static List<String> header(MirrorSets input) {
    List<String> lines = new ArrayList<>();
    if (input.objects().isEmpty()) {
      lines.add("Generated by ccd render from no mirror sets.");
      return lines;
    }
    lines.add("Generated by ccd render from:");
    input.objects().forEach(o -> lines.add("  " + MirrorSets.key(o)));
    return lines;
  }

  private static DesiredFile file(String path, String text) {
    return new DesiredFile(
        path,
        text.getBytes(StandardCharsets.UTF_8),
        DesiredFile.DEFAULT_MODE,
        new Owner(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
  }
}
