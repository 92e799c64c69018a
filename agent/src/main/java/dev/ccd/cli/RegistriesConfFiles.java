package dev.ccd.cli;

import dev.ccd.registries.ConfFile;
import dev.ccd.registries.DropIns;
import dev.ccd.registries.EffectiveConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads registries.conf and registries.conf.d from disk for the pure {@link DropIns} merge. */
public final class RegistriesConfFiles {
  private RegistriesConfFiles() {}

  public static final Path DEFAULT_CONF = Path.of("/etc/containers/registries.conf");
  public static final Path DEFAULT_DROP_IN_DIR = Path.of("/etc/containers/registries.conf.d");

  /**
   * Loads {@code conf} and every regular {@code *.conf} file directly in {@code dropInDir}. A
   * missing main file is an error only when it was named explicitly (as in containers/image); a
   * missing drop-in directory is fine.
   */
  public static EffectiveConfig load(Path conf, Path dropInDir, boolean confExplicit)
      throws IOException {
    Optional<ConfFile> main;
    try {
      main =
          Optional.of(
              new ConfFile(conf.toString(), Files.readString(conf, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      if (confExplicit) {
        return DropIns.missingMainFile(conf.toString());
      }
      main = Optional.empty();
    }
    List<ConfFile> dropIns = new ArrayList<>();
    if (dropInDir != null && Files.isDirectory(dropInDir)) {
      try (Stream<Path> files = Files.list(dropInDir)) {
        for (Path f : files.toList()) {
          if (Files.isRegularFile(f) && DropIns.isDropInName(f.getFileName().toString())) {
            dropIns.add(new ConfFile(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
          }
        }
      }
    }
    return DropIns.merge(main, dropIns);
  }
}
