package dev.ccd.host;

import dev.ccd.machineconfig.FileState;
import dev.ccd.machineconfig.ManagedPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link Mounts} on Linux: finds a directory's mount in {@code /proc/self/mountinfo} and, when it
 * is read-only, remounts it read-write with mount(2) for the window's duration. Each opened window
 * is recorded in a state file before the remount, so a crashed run's windows can be closed at the
 * next start. That file is input too: it is read and written without following links, and a line
 * naming a mount that holds no managed path is refused (a crafted file must not make ccd remount an
 * arbitrary file system).
 */
public final class LinuxMounts implements Mounts {

  /** Changes the flags of the mount at {@code target}; mount(2) with MS_REMOUNT in production. */
  @FunctionalInterface
  interface Remounter {
    void remount(String target, long flags) throws IOException;
  }

  /** How a mount was made writable: a bind remount (that mount only) or its super block. */
  enum Kind {
    BIND,
    SUPERBLOCK
  }

  private record Opened(Kind kind, String mountPoint) {
    String line() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + MountTable.escape(mountPoint);
    }

    static Opened parse(Path file, String line) throws IOException {
      int space = line.indexOf(' ');
      try {
        return new Opened(
            Kind.valueOf(line.substring(0, space).toUpperCase(java.util.Locale.ROOT)),
            MountTable.unescape(line.substring(space + 1)));
      } catch (RuntimeException e) {
        throw new IOException(file + ": not a '<bind|superblock> <mount point>' line: " + line, e);
      }
    }
  }

  /** A state file with more is not one ccd wrote: it opens one window at a time. */
  static final int MAX_STATE_BYTES = 64 * 1024;

  private final String rootPrefix;
  private final Path stateFile;
  private final String stateHostPath;
  private final HostFiles stateFiles;
  private final Path mountinfo;
  private final Remounter remounter;

  /**
   * Host directories map under {@code root}; opened windows are recorded in {@code stateFile} (e.g.
   * {@code ROOT/run/ccd/writable-mounts}).
   */
  public LinuxMounts(Path root, Path stateFile) {
    this(root, stateFile, Path.of("/proc/self/mountinfo"), new MountCall());
  }

  LinuxMounts(Path root, Path stateFile, Path mountinfo, Remounter remounter) {
    String r = root.toAbsolutePath().normalize().toString();
    this.rootPrefix = r.equals("/") ? "" : r;
    Path absoluteRoot = root.toAbsolutePath().normalize();
    Path absoluteState = stateFile.toAbsolutePath().normalize();
    if (!absoluteState.startsWith(absoluteRoot) || absoluteState.equals(absoluteRoot)) {
      throw new IllegalArgumentException(
          "the window state file " + stateFile + " must be under the root " + root);
    }
    this.stateFile = absoluteState;
    this.stateHostPath = "/" + absoluteRoot.relativize(absoluteState);
    this.stateFiles = new PosixHostFiles(absoluteRoot);
    this.mountinfo = mountinfo;
    this.remounter = remounter;
  }

  @Override
  public WritableWindow openWritable(String hostDir) throws IOException {
    String path = realExistingAncestor(Path.of(rootPrefix + hostDir));
    MountEntry entry =
        table()
            .mountOf(path)
            .orElseThrow(() -> new IOException("no mount holds " + hostDir + " (" + path + ")"));
    if (!entry.readOnly()) {
      return () -> {};
    }
    Opened opened = makeWritable(hostDir, entry);
    return () -> makeReadOnly(opened);
  }

  @Override
  public List<String> restoreAfterCrash() throws IOException {
    List<Opened> left = recorded();
    List<String> restored = new ArrayList<>();
    MountTable table = table();
    Set<String> allowed = managedMounts(table);
    for (int i = 0; i < left.size(); i++) {
      if (!allowed.contains(left.get(i).mountPoint())) {
        throw new IOException(
            "refusing state file "
                + stateFile
                + ": line "
                + (i + 1)
                + ": "
                + left.get(i).mountPoint()
                + " is not the mount of a path ccd manages ("
                + String.join(", ", allowed)
                + "); nothing was remounted");
      }
    }
    for (Opened o : left) {
      Optional<MountEntry> now = table.at(o.mountPoint());
      if (now.isPresent() && !now.get().readOnly()) {
        remounter.remount(
            o.mountPoint(), MountFlags.remount(now.get(), o.kind == Kind.SUPERBLOCK, true));
        restored.add(o.mountPoint());
      }
    }
    stateFiles.delete(stateHostPath);
    return List.copyOf(restored);
  }

  /** The mount points that hold the managed paths under the root: the only ones ccd opens. */
  private Set<String> managedMounts(MountTable table) throws IOException {
    Set<String> dirs = new TreeSet<>();
    ManagedPaths.DEFAULT.files().forEach(f -> dirs.add(f.substring(0, f.lastIndexOf('/'))));
    ManagedPaths.DEFAULT.directories().forEach(d -> dirs.add(d.path()));
    Set<String> mounts = new TreeSet<>();
    for (String d : dirs) {
      table
          .mountOf(realExistingAncestor(Path.of(rootPrefix + d)))
          .ifPresent(e -> mounts.add(e.mountPoint()));
    }
    return mounts;
  }

  private Opened makeWritable(String hostDir, MountEntry entry) throws IOException {
    // A read-only super block needs a super block remount; a read-only bind mount (a container's
    // /etc) needs only its own flags changed, without touching the file system under it.
    List<Kind> tries =
        entry.superblockReadOnly()
            ? List.of(Kind.SUPERBLOCK, Kind.BIND)
            : List.of(Kind.BIND, Kind.SUPERBLOCK);
    IOException failed = null;
    for (Kind kind : tries) {
      Opened opened = new Opened(kind, entry.mountPoint());
      record(opened, true); // before the remount: a crash right after must still be undone
      try {
        remounter.remount(
            entry.mountPoint(), MountFlags.remount(entry, kind == Kind.SUPERBLOCK, false));
      } catch (IOException e) {
        record(opened, false);
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
        continue;
      }
      MountEntry after = table().at(entry.mountPoint()).orElse(entry);
      if (!after.readOnly()) {
        return opened;
      }
      // e.g. a bind remount over a read-only super block: undo and try the other way
      remounter.remount(
          entry.mountPoint(), MountFlags.remount(after, kind == Kind.SUPERBLOCK, true));
      record(opened, false);
    }
    IOException e =
        new IOException(
            "cannot make "
                + hostDir
                + " writable: its mount "
                + entry.mountPoint()
                + " stays read-only");
    if (failed != null) {
      e.addSuppressed(failed);
    }
    throw e;
  }

  private void makeReadOnly(Opened opened) throws IOException {
    MountEntry now =
        table()
            .at(opened.mountPoint())
            .orElseThrow(
                () ->
                    new IOException(
                        "cannot restore read-only: " + opened.mountPoint() + " is not mounted"));
    if (!now.readOnly()) {
      remounter.remount(
          opened.mountPoint(), MountFlags.remount(now, opened.kind == Kind.SUPERBLOCK, true));
    }
    record(opened, false);
  }

  private MountTable table() throws IOException {
    return MountTable.parse(Files.readString(mountinfo, StandardCharsets.UTF_8));
  }

  private List<Opened> recorded() throws IOException {
    List<Opened> list = new ArrayList<>();
    Optional<FileState> read = stateFiles.read(stateHostPath);
    if (read.isEmpty()) {
      return list;
    }
    byte[] content = read.get().content();
    if (content.length > MAX_STATE_BYTES) {
      throw new IOException(
          "refusing state file "
              + stateFile
              + ": larger than "
              + MAX_STATE_BYTES
              + " bytes; ccd writes a line per open window");
    }
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        list.add(Opened.parse(stateFile, line));
      }
    }
    return list;
  }

  /** Adds or removes one record; the file is replaced by rename and removed when empty. */
  private synchronized void record(Opened opened, boolean add) throws IOException {
    List<Opened> list = recorded();
    if (add) {
      list.add(opened);
    } else {
      list.remove(opened);
    }
    if (list.isEmpty()) {
      stateFiles.delete(stateHostPath);
      return;
    }
    StringBuilder lines = new StringBuilder();
    list.forEach(o -> lines.append(o.line()).append('\n'));
    stateFiles.writeAtomically(
        stateHostPath, lines.toString().getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
  }

  /** The mount table speaks of real paths: resolve links in the root itself (e.g. /host). */
  private static String realExistingAncestor(Path path) throws IOException {
    Path p = path.toAbsolutePath().normalize();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IOException("no existing directory on the way to " + path);
    }
    Path real = p.toRealPath();
    return real.toString();
  }
}
