package dev.ccd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.machineconfig.InvalidConfigException;
import dev.ccd.machineconfig.MachineConfigDocument;
import dev.ccd.machineconfig.MachineConfigMerge;
import dev.ccd.machineconfig.MachineConfigReader;
import dev.ccd.machineconfig.RenderedName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Host mode's desired config: a MachineConfig file, or a directory of them ({@code *.yaml}, {@code
 * *.yml}, {@code *.json}; others are ignored) that a configuration tool drops in. The files are
 * merged as the machine-config-operator merges a pool's configs and the result is named {@code
 * rendered-host-<hash>}, so every change of content is a new name, as a new rendered config is in a
 * cluster. A file that is not a MachineConfig is served as it is under its own file name, so the
 * agent reports it Unreconcilable naming that file, and applies nothing. A missing path or an empty
 * directory means no desired config yet.
 */
final class DesiredConfigPath {
  /** Name of the pool in the rendered name. */
  static final String POOL = "host";

  /**
   * What the path holds now: {@code name} is empty when there is no desired config; {@code text} is
   * the MachineConfig (JSON, or the offending file's own text); {@code version} changes with it.
   */
  record Snapshot(String name, String version, String text) {
    static final Snapshot NONE = new Snapshot("", "", "");

    boolean none() {
      return name.isEmpty();
    }
  }

  private final Path path;
  private final long limit;

  DesiredConfigPath(Path path, long limit) {
    this.path = path;
    this.limit = limit;
  }

  Path path() {
    return path;
  }

  /** Reads the path now; an unreadable file is an IOException naming it and the cause. */
  Snapshot read() throws IOException {
    List<Path> files = files();
    if (files.isEmpty()) {
      return Snapshot.NONE;
    }
    List<MachineConfigDocument> docs = new ArrayList<>();
    for (Path file : files) {
      String text;
      try {
        text = InputFile.text(file, limit);
      } catch (InputFile.Unreadable e) {
        throw new IOException(e.getMessage(), e);
      }
      String fileName = file.getFileName().toString();
      try {
        docs.add(MachineConfigReader.parse(text, fileName));
      } catch (InvalidConfigException e) {
        return new Snapshot(fileName, sha256(text), text);
      }
    }
    ObjectNode spec = MachineConfigMerge.merge(docs);
    String name = RenderedName.of(POOL, spec);
    ObjectNode mc = JsonNodeFactory.instance.objectNode();
    mc.put("apiVersion", MachineConfigDocument.API_VERSION);
    mc.put("kind", MachineConfigDocument.KIND);
    mc.putObject("metadata").put("name", name);
    mc.set("spec", spec);
    return new Snapshot(name, name, mc.toString());
  }

  private List<Path> files() throws IOException {
    if (!Files.isDirectory(path)) {
      return Files.exists(path) ? List.of(path) : List.of();
    }
    try (Stream<Path> s = Files.list(path)) {
      return s.filter(DesiredConfigPath::isConfigFile).sorted().toList();
    } catch (NoSuchFileException e) {
      return List.of(); // removed between the two calls: no config, as if it had never been there
    }
  }

  private static boolean isConfigFile(Path p) {
    String n = p.getFileName().toString();
    return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
