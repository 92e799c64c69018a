package dev.ccd.cli;

import dev.ccd.host.HostFiles;
import dev.ccd.host.PosixHostFiles;
import dev.ccd.registries.IcspMigration;
import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ccd migrate-icsp}: ImageContentSourcePolicy files to ImageDigestMirrorSet files. */
@Command(
    name = "migrate-icsp",
    mixinStandardHelpOptions = true,
    description = {
      "Write one ImageDigestMirrorSet per ImageContentSourcePolicy (same name and mirrors),"
          + " like `oc adm migrate icsp`, as imagedigestmirrorset_<name>.yaml.",
      "Nothing is written when any input is invalid."
    })
public final class MigrateIcspCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "ICSP YAML/JSON files")
  List<Path> files;

  @Option(
      names = "--dest-dir",
      paramLabel = "DIR",
      description = "where to write the IDMS files (default: the current directory)")
  Path destDir = Path.of("");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, String> writes = new LinkedHashMap<>();
    try {
      MirrorSets in = MirrorSetFiles.read(files, err::println);
      List<Problem> problems = new ArrayList<>();
      for (HasMetadata object : in.objects()) {
        if (!(object instanceof ImageContentSourcePolicy)) {
          problems.add(
              Problem.error(
                  in.originOf(object),
                  MirrorSets.key(object),
                  "not an ImageContentSourcePolicy; migrate-icsp converts only those"));
        }
      }
      if (in.contentSourcePolicies().isEmpty() && problems.isEmpty()) {
        problems.add(
            Problem.error(
                String.join(", ", files.stream().map(Path::toString).toList()),
                "",
                "no ImageContentSourcePolicy found"));
      }
      if (!problems.isEmpty()) {
        throw new MirrorSetException(problems);
      }
      for (ImageContentSourcePolicy icsp : in.contentSourcePolicies()) {
        // The name becomes a file name: only what Kubernetes accepts as a name may get there.
        String name = icsp.getMetadata() == null ? null : icsp.getMetadata().getName();
        Optional<String> bad = badName(name);
        if (bad.isPresent()) {
          problems.add(Problem.error(in.originOf(icsp), "metadata.name", bad.get()));
        }
      }
      if (!problems.isEmpty()) {
        throw new MirrorSetException(problems);
      }
      for (ImageContentSourcePolicy icsp : in.contentSourcePolicies()) {
        ImageDigestMirrorSet idms = IcspMigration.toDigestMirrorSet(icsp);
        writes.put("/" + IcspMigration.fileName(idms), IcspMigration.toYaml(idms));
      }
    } catch (MirrorSetException e) {
      e.problems().forEach(err::println);
      return 1;
    }
    String shownDir = destDir.toString().isEmpty() ? "the current directory" : destDir.toString();
    try {
      if (Files.exists(destDir, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(destDir, LinkOption.NOFOLLOW_LINKS)) {
        err.println(
            "--dest-dir "
                + destDir
                + ": "
                + (Files.isSymbolicLink(destDir) ? "is a symbolic link" : "exists and is a file")
                + "; nothing written");
        return 1;
      }
      if (!destDir.toString().isEmpty()) {
        Files.createDirectories(destDir);
      }
      // The directory is the root of a no-follow file layer: a link at the directory itself or at
      // a target name is refused, files are replaced atomically, never written through a link.
      HostFiles dest = new PosixHostFiles(destDir);
      for (String name : writes.keySet()) {
        dest.read(name); // refuses a link, FIFO or directory there before anything is written
      }
      for (Map.Entry<String, String> w : writes.entrySet()) {
        dest.writeAtomically(w.getKey(), w.getValue().getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        out.println("wrote ImageDigestMirrorSet to " + destDir.resolve(w.getKey().substring(1)));
      }
    } catch (IOException e) {
      err.println("cannot write into " + shownDir + ": " + e.getMessage());
      return 1;
    }
    return 0;
  }

  /** Why {@code name} is not a DNS-1123 subdomain, as Kubernetes requires of object names. */
  static Optional<String> badName(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("is missing");
    }
    if (name.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(name).matches()) {
      return Optional.of(
          "'"
              + shown(name)
              + "' is not a valid name: Kubernetes names are DNS-1123 subdomains (at most 253"
              + " lower-case letters, digits, '-' and '.', starting and ending with a letter or"
              + " digit)");
    }
    return Optional.empty();
  }

  /**
   * At most 80 characters, control characters escaped, so a hostile name cannot drive a terminal.
   */
  private static String shown(String name) {
    StringBuilder b = new StringBuilder();
    name.codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    return name.codePointCount(0, name.length()) > 80 ? b + "…" : b.toString();
  }

  private static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
}
