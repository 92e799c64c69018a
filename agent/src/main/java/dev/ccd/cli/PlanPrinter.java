package dev.ccd.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.FileState;
import dev.ccd.plan.CurrentFiles;
import dev.ccd.plan.Plan;
import dev.ccd.plan.Step;
import dev.ccd.registries.Problem;
import dev.ccd.registries.SafeText;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Prints plans, diffs and problems the way people read them. */
final class PlanPrinter {
  private PlanPrinter() {}

  static void plan(PrintWriter out, Plan plan) {
    String from = plan.fromConfig().isEmpty() ? "(nothing applied)" : plan.fromConfig();
    out.printf("plan: %s -> %s%n", SafeText.escape(from), SafeText.escape(plan.toConfig()));
    if (plan.steps().isEmpty()) {
      out.println("  no file changes");
    }
    for (Step step : plan.steps()) {
      out.println("  " + SafeText.escape(describe(step)));
    }
    out.println("crio action: " + plan.disruption().label());
    for (String reason : plan.disruption().reasons()) {
      out.println("  because " + reason);
    }
  }

  static String describe(Step step) {
    if (step instanceof Step.WriteFile w) {
      DesiredFile f = w.file();
      String what =
          switch (w.what()) {
            case CREATE -> "create";
            case CONTENT -> "update content";
            case CONTENT_AND_METADATA -> "update content, mode/owner";
            case METADATA -> "update mode/owner";
          };
      return String.format(
          "write  %s (%s, %d bytes, mode %s, owner %d:%d)",
          f.path(),
          what,
          f.content().length,
          f.octalMode(),
          f.owner().uid().orElse(0),
          f.owner().gid().orElse(0));
    }
    Step.RemoveFile r = (Step.RemoveFile) step;
    return "remove " + r.path() + (r.restoreOriginal() ? " (restore the saved original)" : "");
  }

  /** A unified diff of every file the plan writes or removes, against what is on disk now. */
  static void diff(PrintWriter out, Plan plan, CurrentFiles current) {
    for (Step step : plan.steps()) {
      Optional<FileState> now = current.file(step.path());
      List<String> before = now.map(f -> lines(f.content())).orElse(List.of());
      List<String> after =
          step instanceof Step.WriteFile w ? lines(w.file().content()) : List.<String>of();
      if (before.equals(after)) {
        continue; // mode/owner only: the plan line says so
      }
      String path = SafeText.escape(step.path());
      String a = now.isPresent() ? "a" + path : "/dev/null";
      String b = step instanceof Step.WriteFile ? "b" + path : "/dev/null";
      List<String> unified =
          UnifiedDiffUtils.generateUnifiedDiff(a, b, before, DiffUtils.diff(before, after), 3);
      unified.forEach(out::println);
    }
  }

  private static List<String> lines(byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n", -1));
  }

  /** Problems as {@code SOURCE: FILE: field: message}, warnings marked. */
  static void problems(PrintWriter err, String source, List<Problem> problems) {
    for (Problem p : problems) {
      String line = p.file().equals(source) ? p.toString() : SafeText.escape(source) + ": " + p;
      err.println(line);
    }
  }
}
