package dev.ccd.agent;

import dev.ccd.agent.UpdatePreparation.Prepared;
import dev.ccd.machineconfig.DesiredFile;
import dev.ccd.machineconfig.FileState;
import dev.ccd.plan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Drift reasons in machine-config-daemon's words, one per file. */
final class DriftReasons {
  private DriftReasons() {}

  static String of(Prepared.Ready ready, List<String> appeared) {
    List<String> parts = new ArrayList<>();
    for (Step step : ready.plan().steps()) {
      if (step instanceof Step.WriteFile w) {
        Optional<FileState> now = ready.current().file(w.path());
        switch (w.what()) {
          case CREATE -> parts.add("could not stat file \"" + w.path() + "\": no such file");
          case METADATA -> parts.add(metadataMismatch(w.file(), now.orElseThrow()));
          default -> parts.add("content mismatch for file \"" + w.path() + "\"");
        }
      } else {
        parts.add("unexpected file \"" + step.path() + "\"");
      }
    }
    for (String p : appeared) {
      parts.add("unexpected file \"" + p + "\" appeared in a managed directory");
    }
    return String.join("; ", parts);
  }

  private static String metadataMismatch(DesiredFile want, FileState got) {
    if (want.mode() != got.mode()) {
      return String.format(
          "mode mismatch for file: \"%s\"; expected: 0%o; received: 0%o",
          want.path(), want.mode(), got.mode());
    }
    return String.format(
        "owner mismatch for file: \"%s\"; expected: %d:%d; received: %d:%d",
        want.path(),
        want.owner().uid().orElse(0),
        want.owner().gid().orElse(0),
        got.uid(),
        got.gid());
  }
}
