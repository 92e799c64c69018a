package dev.ccd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.registries.EffectiveConfig;
import dev.ccd.registries.ImageReference;
import dev.ccd.registries.Problem;
import dev.ccd.registries.PullSources;
import dev.ccd.registries.PullSources.Explanation;
import dev.ccd.registries.SafeText;
import dev.ccd.registries.ShortNames;
import java.io.IOException;
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

/** {@code ccd explain}: the sources CRI-O would try for images, in order, and why. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description =
        "Shows, for each image, the pull sources CRI-O tries in order (mirrors, primary), which"
            + " are blocked or insecure, and which registries.conf rule decided it.")
public final class ExplainCommand implements Callable<Integer> {

  /** Output formats. */
  public enum Format {
    text,
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--registries-conf",
      paramLabel = "FILE",
      description = "registries.conf (default: /etc/containers/registries.conf)")
  Path registriesConf;

  @Option(
      names = "--dropin-dir",
      paramLabel = "DIR",
      description = "drop-in directory (default: ${DEFAULT-VALUE})")
  Path dropInDir = RegistriesConfFiles.DEFAULT_DROP_IN_DIR;

  @Option(
      names = {"-o", "--output"},
      description = "text or json (default: ${DEFAULT-VALUE})")
  Format output = Format.text;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image references")
  List<String> images = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean explicit = registriesConf != null;
    Path conf = explicit ? registriesConf : RegistriesConfFiles.DEFAULT_CONF;
    EffectiveConfig config;
    try {
      config = RegistriesConfFiles.load(conf, dropInDir, explicit);
    } catch (InputFile.Unreadable e) {
      err.println(SafeText.escape(e.getMessage()));
      return 1;
    }
    for (Problem p : config.problems()) {
      err.println(p);
    }
    List<Explanation> explanations =
        images.stream().map(image -> PullSources.explain(config, image)).toList();
    if (output == Format.json) {
      out.println(json(explanations, config));
    } else {
      explanations.forEach(e -> text(out, e, config));
    }
    out.flush();
    err.flush();
    boolean failed = !config.isValid() || explanations.stream().anyMatch(Explanation::failed);
    return failed ? 1 : 0;
  }

  /**
   * The stable contract: an array of {image, sources[{reference, mirror, insecure, blocked}],
   * error}, and for a short name shortName{mode, alias, candidates[], refusal}: the candidates
   * CRI-O tries in order, or why it refuses the pull.
   */
  static String json(List<Explanation> explanations, EffectiveConfig config) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ArrayNode array = mapper.createArrayNode();
    for (Explanation e : explanations) {
      ObjectNode o = array.addObject();
      o.put("image", e.image());
      ArrayNode sources = o.putArray("sources");
      for (PullSources.Source s : e.sources()) {
        ObjectNode so = sources.addObject();
        so.put("reference", s.reference());
        so.put("mirror", s.mirror());
        so.put("insecure", s.insecure());
        so.put("blocked", s.blocked());
      }
      Optional<ShortNames.Resolution> shortName = resolution(config, e.image());
      if (shortName.isPresent()) {
        ShortNames.Resolution r = shortName.get();
        ObjectNode sn = o.putObject("shortName");
        sn.put("mode", r.mode());
        if (r.alias().isPresent()) {
          sn.put("alias", r.alias().get());
        } else {
          sn.putNull("alias");
        }
        ArrayNode candidates = sn.putArray("candidates");
        r.candidates().forEach(candidates::add);
        if (r.refusal().isPresent()) {
          sn.put("refusal", r.refusal().get());
        } else {
          sn.putNull("refusal");
        }
      }
      if (e.error().isPresent()) {
        o.put("error", e.error().get());
      } else {
        o.putNull("error");
      }
    }
    return mapper.writeValueAsString(array);
  }

  /**
   * Images, rules and errors come from input: every line is escaped before it reaches a terminal.
   */
  private static void text(PrintWriter terminal, Explanation e, EffectiveConfig config) {
    PrintWriter out =
        new PrintWriter(terminal) {
          @Override
          public void println(String line) {
            super.println(SafeText.escape(line));
          }
        };
    out.println(
        e.image()
            + e.reference().filter(r -> !r.equals(e.image())).map(r -> " (" + r + ")").orElse(""));
    shortName(out, e.image(), config);
    e.matched()
        .ifPresentOrElse(
            m -> out.println("  rule: [[registry]] prefix \"" + m.prefix() + "\" in " + m.file()),
            () -> {
              if (e.error().isEmpty()) {
                out.println("  rule: none (no prefix matches)");
              }
            });
    for (int i = 0; i < e.sources().size(); i++) {
      PullSources.Source s = e.sources().get(i);
      List<String> flags = new ArrayList<>();
      flags.add(s.mirror() ? "mirror" : "primary");
      if (s.insecure()) {
        flags.add("insecure");
      }
      if (s.blocked()) {
        flags.add("BLOCKED");
      }
      out.println("  " + (i + 1) + ". " + s.reference() + "  [" + String.join(", ", flags) + "]");
      out.println("     " + s.why());
    }
    for (PullSources.Skipped s : e.skipped()) {
      out.println("  skipped mirror " + s.location() + ": " + s.why());
    }
    e.error().ifPresent(err -> out.println("  error: " + err));
    out.flush();
  }

  /** A short name: what CRI-O does with it, before the sources of skopeo's normalisation. */
  private static void shortName(PrintWriter out, String image, EffectiveConfig config) {
    resolution(config, image)
        .ifPresent(
            r -> {
              out.println(
                  "  short name: CRI-O does not normalise it to docker.io but resolves it"
                      + " (short-name-mode "
                      + r.mode()
                      + "), trying in order:");
              if (r.candidates().isEmpty()) {
                out.println("     none: no [aliases] entry and no unqualified-search-registries");
              }
              for (int i = 0; i < r.candidates().size(); i++) {
                out.println(
                    "     "
                        + (i + 1)
                        + ". "
                        + r.candidates().get(i)
                        + (r.alias().isPresent()
                            ? "  (alias \"" + r.name() + "\" in [aliases])"
                            : "  (unqualified-search-registries)"));
              }
              r.refusal()
                  .ifPresent(
                      why ->
                          out.println(
                              "     CRI-O refuses the pull: "
                                  + why
                                  + " (no terminal to choose on; give the full name or an alias)"));
              out.println("  the sources below are for the docker.io normalisation skopeo uses:");
            });
  }

  /** Empty for a fully-qualified or invalid reference (the explanation's error says the latter). */
  private static Optional<ShortNames.Resolution> resolution(EffectiveConfig config, String image) {
    try {
      return ShortNames.resolve(config.conf(), image);
    } catch (ImageReference.InvalidReferenceException e) {
      return Optional.empty();
    }
  }
}
