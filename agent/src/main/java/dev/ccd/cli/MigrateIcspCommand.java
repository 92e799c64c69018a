package dev.ccd.cli;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
    Map<Path, String> writes = new LinkedHashMap<>();
    try {
      MirrorSets in = MirrorSetFiles.read(files);
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
        ImageDigestMirrorSet idms = IcspMigration.toDigestMirrorSet(icsp);
        writes.put(destDir.resolve(IcspMigration.fileName(idms)), IcspMigration.toYaml(idms));
      }
    } catch (MirrorSetException e) {
      e.problems().forEach(err::println);
      return 1;
    }
    try {
      if (Files.exists(destDir) && !Files.isDirectory(destDir)) {
        err.println(destDir + ": exists and is a file");
        return 1;
      }
      if (!destDir.toString().isEmpty()) {
        Files.createDirectories(destDir);
      }
      for (Map.Entry<Path, String> w : writes.entrySet()) {
        Files.writeString(w.getKey(), w.getValue(), StandardCharsets.UTF_8);
        out.println("wrote ImageDigestMirrorSet to " + w.getKey());
      }
    } catch (IOException e) {
      err.println(destDir + ": " + e);
      return 1;
    }
    return 0;
  }
}
