package dev.ccd.it.registries;

import dev.ccd.it.registries.Outcome.Attempt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The oracle: runs {@code skopeo inspect} on a case and reads, from its debug log, the sources it
 * tried (and which it refused as blocked) and the final fatal error.
 */
final class Skopeo {
  private static final Pattern MSG = Pattern.compile("level=(\\w+) msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern TRYING = Pattern.compile("Trying to access \"(.*)\"");
  private static final Pattern REFUSED =
      Pattern.compile("Accessing \"(.*)\" failed: registry .* is blocked in .*");

  private final boolean ownNetworkNamespace;

  /**
   * @param ownNetworkNamespace run skopeo under {@code unshare --net}, so that even a wrong
   *     prediction cannot make it reach beyond this machine
   */
  Skopeo(boolean ownNetworkNamespace) {
    this.ownNetworkNamespace = ownNetworkNamespace;
  }

  /** Whether {@code unshare --net} works here (root, or a user namespace allowed). */
  static boolean canUnshareNetwork() {
    try {
      Process p = new ProcessBuilder("unshare", "--net", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String version() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("skopeo", "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  /** The raw debug log of one inspect. {@code home} is HOME (its per-user drop-in dir is read). */
  String run(Path conf, Path home, String image, boolean tlsVerify)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (ownNetworkNamespace) {
      command.addAll(List.of("unshare", "--net"));
    }
    command.addAll(
        List.of(
            "skopeo",
            "--registries-conf",
            conf.toString(),
            "--command-timeout",
            "20s",
            "--debug",
            "inspect",
            "--raw",
            "--no-tags"));
    if (!tlsVerify) {
      command.add("--tls-verify=false");
    }
    command.add("docker://" + image);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    String path = env.getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    env.clear();
    env.put("PATH", path);
    env.put("HOME", home.toString());
    Path log = Files.createTempFile(home, "skopeo", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("skopeo did not finish within 30 s: " + command);
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Reads the attempts and, when none was made, the error (outer wrapping removed). */
  static Outcome parse(String log, String image) {
    List<Attempt> attempts = new ArrayList<>();
    Optional<String> fatal = Optional.empty();
    for (String line : log.split("\n")) {
      Matcher m = MSG.matcher(line);
      if (!m.find()) {
        continue;
      }
      String msg = unquote(m.group(2));
      if (m.group(1).equals("fatal")) {
        fatal = Optional.of(msg);
        continue;
      }
      Matcher trying = TRYING.matcher(msg);
      if (trying.matches()) {
        attempts.add(new Attempt(trying.group(1), false));
        continue;
      }
      Matcher refused = REFUSED.matcher(msg);
      if (refused.matches() && !attempts.isEmpty()) {
        Attempt last = attempts.get(attempts.size() - 1);
        if (last.reference().equals(refused.group(1))) {
          attempts.set(attempts.size() - 1, new Attempt(last.reference(), true));
        }
      }
    }
    if (!attempts.isEmpty()) {
      return new Outcome(attempts, Optional.empty());
    }
    String error =
        fatal.orElseThrow(
            () -> new IllegalStateException("skopeo neither tried a source nor failed:\n" + log));
    error = strip(error, "Error parsing image name \"docker://" + image + "\": ");
    error = strip(error, "loading registries configuration: ");
    return Outcome.failure(error);
  }

  private static String strip(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  /** Undoes logrus' Go quoting of a message. */
  static String unquote(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        default -> out.append(n);
      }
    }
    return out.toString();
  }
}
