package dev.ccd.testing;

import dev.ccd.host.HostFiles;
import dev.ccd.machineconfig.FileState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Predicate;

/** In-memory host files with failure injection, for unit tests of whatever writes files. */
public final class FakeHostFiles implements HostFiles {
  private final Map<String, FileState> files = new TreeMap<>();
  private final Map<String, Integer> users = new TreeMap<>(Map.of("root", 0));
  private final Map<String, Integer> groups = new TreeMap<>(Map.of("root", 0));
  private final List<String> operations = new ArrayList<>();
  private Predicate<String> failWrite = p -> false;

  public FakeHostFiles put(String path, String content, int mode) {
    files.put(path, new FileState(content.getBytes(), mode, 0, 0));
    return this;
  }

  public FakeHostFiles user(String name, int uid) {
    users.put(name, uid);
    return this;
  }

  public FakeHostFiles group(String name, int gid) {
    groups.put(name, gid);
    return this;
  }

  /** Writes to paths matching {@code which} throw, as a full disk would. */
  public FakeHostFiles failWritesTo(Predicate<String> which) {
    this.failWrite = which;
    return this;
  }

  public Map<String, FileState> snapshot() {
    return new TreeMap<>(files);
  }

  public Optional<String> text(String path) {
    return Optional.ofNullable(files.get(path)).map(f -> new String(f.content()));
  }

  /** Every mutating call, in order: {@code write PATH} or {@code delete PATH}. */
  public List<String> operations() {
    return List.copyOf(operations);
  }

  @Override
  public Optional<FileState> read(String path) {
    return Optional.ofNullable(files.get(path));
  }

  @Override
  public void writeAtomically(String path, byte[] content, int mode, int uid, int gid)
      throws IOException {
    if (failWrite.test(path)) {
      throw new IOException("No space left on device (injected) writing " + path);
    }
    operations.add("write " + path);
    files.put(path, new FileState(content, mode, uid, gid));
  }

  @Override
  public void delete(String path) {
    if (files.remove(path) != null) {
      operations.add("delete " + path);
    }
  }

  @Override
  public List<String> list(String dir) {
    String prefix = dir.endsWith("/") ? dir : dir + "/";
    return files.keySet().stream()
        .filter(p -> p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0)
        .map(p -> p.substring(prefix.length()))
        .sorted()
        .toList();
  }

  @Override
  public List<String> removeTemporaryFiles(String dir) {
    return List.of(); // writes here are atomic in memory: nothing is ever left behind
  }

  @Override
  public List<String> temporaryFiles(String dir) {
    return List.of();
  }

  @Override
  public OptionalInt uidOf(String user) {
    Integer id = users.get(user);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public OptionalInt gidOf(String group) {
    Integer id = groups.get(group);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }
}
