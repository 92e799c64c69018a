package dev.ccd.cli;

import dev.ccd.registries.ConfFile;
import dev.ccd.registries.DropIns;
import dev.ccd.registries.EffectiveConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
   * Loads {@code conf} and every {@code *.conf} file directly in {@code dropInDir}, each through
   * {@link InputFile} with the file limit. A missing main file is an error only when it was named
   * explicitly (as in containers/image); a missing drop-in directory is fine. Entries that are not
   * regular files (a directory named {@code x.conf}, a FIFO) are skipped, never opened.
   */
  static EffectiveConfig load(Path conf, Path dropInDir, boolean confExplicit, long limit)
      throws InputFile.Unreadable {
    Optional<ConfFile> main = Optional.empty();
    if (confExplicit || Files.exists(conf, LinkOption.NOFOLLOW_LINKS)) {
      if (confExplicit && !Files.exists(conf, LinkOption.NOFOLLOW_LINKS)) {
        return DropIns.missingMainFile(conf.toString());
      }
      main = Optional.of(new ConfFile(conf.toString(), InputFile.text(conf, limit)));
    }
    List<ConfFile> dropIns = new ArrayList<>();
    if (dropInDir != null && Files.isDirectory(dropInDir)) {
      List<Path> names;
      try (Stream<Path> files = Files.list(dropInDir)) {
        names =
            files
                .filter(f -> DropIns.isDropInName(f.getFileName().toString()))
                .filter(Files::isRegularFile)
                .toList();
      } catch (IOException e) {
        throw new InputFile.Unreadable(dropInDir, InputFile.cause(e));
      }
      for (Path f : names) {
        dropIns.add(new ConfFile(f.toString(), InputFile.text(f, limit)));
      }
    }
    return DropIns.merge(main, dropIns);
  }

  /** {@link #load(Path, Path, boolean, long)} with the limit of this process's environment. */
  public static EffectiveConfig load(Path conf, Path dropInDir, boolean confExplicit)
      throws InputFile.Unreadable {
    return load(conf, dropInDir, confExplicit, InputFile.Limits.current().file());
  }
}
