package dev.ccd.machineconfig;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One file a MachineConfig asks for, decoded: absolute host path, bytes, permission bits, owner.
 */
public record DesiredFile(String path, byte[] content, int mode, Owner owner) {
  public static final int DEFAULT_MODE = 0644;

  public DesiredFile {
    Objects.requireNonNull(path, "path");
    content = content.clone();
    Objects.requireNonNull(owner, "owner");
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  /** Mode as {@code 0644}. */
  public String octalMode() {
    return String.format("0%o", mode);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DesiredFile f
        && path.equals(f.path)
        && Arrays.equals(content, f.content)
        && mode == f.mode
        && owner.equals(f.owner);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, Arrays.hashCode(content), mode, owner);
  }

  @Override
  public String toString() {
    String head = HexFormat.of().formatHex(content, 0, Math.min(8, content.length));
    return "DesiredFile["
        + path
        + ", "
        + content.length
        + " bytes "
        + head
        + "…, "
        + octalMode()
        + ", "
        + owner
        + "]";
  }
}
