package dev.ccd.it.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line peer (kubectl, promtool); a missing tool is a failure that names it. */
record Tool(String name) {

  record Result(int exit, String output) {}

  Result run(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(name));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          name + " is not installed or not on PATH; the packaging tests need it (.ci/run checks)",
          e);
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish in 120 s: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** stdout+stderr of a run that must succeed. */
  String output(Path dir, String... args) throws IOException, InterruptedException {
    Result r = run(dir, args);
    if (r.exit() != 0) {
      throw new AssertionError(
          name + " " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r.output());
    }
    return r.output();
  }
}
