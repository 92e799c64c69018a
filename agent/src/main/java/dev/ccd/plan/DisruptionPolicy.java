package dev.ccd.plan;

import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.DesiredFiles;
import dev.ccd.machineconfig.ManagedPaths;
import dev.ccd.registries.RegistriesConf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What an update costs the node: the crio action and whether to drain, with one reason line per
 * decision naming the file and the rule. Follows the machine-config-daemon's node-disruption
 * defaults, adapted: drop-ins reload like registries.conf (never a reboot; ccd never reboots), and
 * the safe-change analysis runs on decoded (gunzipped) bytes, per drop-in file. Pure.
 *
 * <p>Paths considered: those whose decoded content, mode or owner differs between {@code previous}
 * and {@code desired}, plus those the steps touch. So a re-run after a crash between "files
 * written" and "crio reloaded" still reloads, and a drift repair (disk differed, configs equal)
 * reloads without draining. A change of mode or owner alone needs no crio action: crio runs as root
 * and reads content only. A file containers/image does not read (a drop-in not ending in {@code
 * .conf}) needs none either.
 */
public final class DisruptionPolicy {
  private final DisruptionRules rules;
  private final RegistriesParser parser;

  public DisruptionPolicy(DisruptionRules rules, RegistriesParser parser) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /** Default rules with {@code parser} for registries.conf text. */
  public static DisruptionPolicy withDefaults(RegistriesParser parser) {
    return new DisruptionPolicy(DisruptionRules.defaults(), parser);
  }

  /** For callers holding a one-argument parser. */
  public static DisruptionPolicy withDefaults(Function<String, RegistriesConf> parser) {
    return withDefaults((text, file) -> parser.apply(text));
  }

  public Disruption decide(DesiredFiles previous, DesiredFiles desired, List<Step> steps) {
    Map<String, DesiredFile> before = previous.byPath();
    Map<String, DesiredFile> after = desired.byPath();
    Map<String, Step> byPath =
        steps.stream().collect(Collectors.toMap(Step::path, s -> s, (a, b) -> b));
    TreeSet<String> paths = new TreeSet<>(byPath.keySet());
    for (String p : union(before.keySet(), after.keySet())) {
      if (!Objects.equals(before.get(p), after.get(p))) {
        paths.add(p);
      }
    }
    CrioAction action = CrioAction.NONE;
    boolean drain = false;
    List<String> reasons = new ArrayList<>();
    for (String path : paths) {
      Optional<byte[]> old = Optional.ofNullable(before.get(path)).map(DesiredFile::content);
      Optional<byte[]> now = Optional.ofNullable(after.get(path)).map(DesiredFile::content);
      Step step = byPath.get(path);
      boolean contentChanged = !sameContent(old, now);
      boolean diskContentChanges =
          step instanceof Step.RemoveFile
              || (step instanceof Step.WriteFile w && w.what() != Step.Change.METADATA);
      if (!contentChanged && !diskContentChanges) {
        reasons.add(path + ": mode or owner only → no crio action");
        continue;
      }
      if (ManagedPaths.DEFAULT.ineffective(path).isPresent()) {
        reasons.add(path + ": not read by containers/image → no crio action");
        continue;
      }
      DisruptionRules.Rule rule = rules.ruleFor(path);
      action = action.max(rule.action());
      String verb = rule.action().name().toLowerCase(java.util.Locale.ROOT);
      List<String> unsafe =
          switch (rule.drain()) {
            case NEVER -> List.of();
            case ALWAYS ->
                List.of(
                    rule.path().isEmpty()
                        ? "no disruption rule matches this path, draining to be safe"
                        : "the rule for " + rule.path() + " always drains");
            case UNLESS_SAFE_REGISTRIES_CHANGE -> unsafe(path, old, now, step, contentChanged);
          };
      if (!contentChanged) {
        reasons.add(path + ": rewritten to repair drift → " + verb);
      } else if (unsafe.isEmpty()) {
        String why = rule.drain() == DisruptionRules.Drain.NEVER ? "changed" : "only safe changes";
        reasons.add(path + ": " + why + " → " + verb);
      } else {
        drain = true;
        for (String u : unsafe) {
          reasons.add(path + ": " + u + " → drain");
        }
        reasons.add(path + ": changed → " + verb);
      }
    }
    if (action == CrioAction.NONE && !drain) {
      return reasons.isEmpty() ? Disruption.NONE : new Disruption(CrioAction.NONE, false, reasons);
    }
    return new Disruption(action, drain, reasons);
  }

  private List<String> unsafe(
      String path, Optional<byte[]> old, Optional<byte[]> now, Step step, boolean contentChanged) {
    if (!contentChanged) {
      return List.of();
    }
    if (!isRegistriesConf(path)) {
      return List.of("not a registries.conf file, cannot tell whether the change is safe");
    }
    if (step instanceof Step.RemoveFile r && r.restoreOriginal()) {
      return List.of("the saved original is restored and cannot be analysed");
    }
    try {
      RegistriesConf o = old.map(b -> parse(b, path)).orElse(RegistriesConf.EMPTY);
      RegistriesConf n = now.map(b -> parse(b, path)).orElse(RegistriesConf.EMPTY);
      return RegistriesChange.unsafeChanges(o, n);
    } catch (RuntimeException e) {
      return List.of("cannot be analysed (" + e.getMessage() + ")");
    }
  }

  private RegistriesConf parse(byte[] content, String path) {
    return parser.parse(new String(content, StandardCharsets.UTF_8), path);
  }

  /** registries.conf itself, or a drop-in containers/image reads. */
  static boolean isRegistriesConf(String path) {
    if (path.equals(ManagedPaths.REGISTRIES_CONF)) {
      return true;
    }
    String dir = ManagedPaths.REGISTRIES_CONF_D;
    return path.startsWith(dir)
        && !path.substring(dir.length()).contains("/")
        && path.endsWith(".conf");
  }

  private static boolean sameContent(Optional<byte[]> a, Optional<byte[]> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() && b.isEmpty();
    }
    return Arrays.equals(a.get(), b.get());
  }

  private static TreeSet<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    TreeSet<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }
}
