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
    if (plan.disruption().drain()) {
      out.println(DRAIN_NOT_PERFORMED);
    }
  }

  /** ccd apply never drains: a drain+ action says so, so no one takes the plan for done. */
  static final String DRAIN_NOT_PERFORMED =
      "drain: needed by the safe-change rules, not performed by `ccd apply`; drain the node"
          + " first (kubectl drain NODE) or apply a change that is safe without one";

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
      for (String line : unified) {
        out.println(emptySide(line));
      }
      boolean lastLineOpen =
          before.isEmpty() && after.size() > 0 && !endsWithNewline(((Step.WriteFile) step));
      if (lastLineOpen) {
        out.println("\\ No newline at end of file");
      }
    }
  }

  private static boolean endsWithNewline(Step.WriteFile w) {
    byte[] c = w.file().content();
    return c.length > 0 && c[c.length - 1] == '\n';
  }

  /**
   * GNU diff and patch number an empty side of a hunk from 0 ({@code @@ -0,0 +1,3 @@} for a new
   * file); the diff library says {@code -1,0}, which {@code patch} rejects.
   */
  static String emptySide(String line) {
    if (!line.startsWith("@@ ")) {
      return line;
    }
    return line.replaceFirst("^@@ -1,0 ", "@@ -0,0 ")
        .replaceFirst("^(@@ -\\S+ )\\+1,0 @@", "$1+0,0 @@");
  }

  /** The lines of a text; the newline that ends the last line does not start another one. */
  private static List<String> lines(byte[] content) {
    String text = new String(content, StandardCharsets.UTF_8);
    if (text.isEmpty()) {
      return List.of();
    }
    List<String> lines = Arrays.asList(text.split("\n", -1));
    return text.endsWith("\n") ? lines.subList(0, lines.size() - 1) : lines;
  }

  /** Problems as {@code SOURCE: FILE: field: message}, warnings marked. */
  static void problems(PrintWriter err, String source, List<Problem> problems) {
    for (Problem p : problems) {
      String line = p.file().equals(source) ? p.toString() : SafeText.escape(source) + ": " + p;
      err.println(line);
    }
  }
}
