package dev.ccd.machineconfig;

import java.util.Arrays;
import java.util.Objects;

/** What a regular file on the host holds: bytes, permission bits (07777), numeric owner. */
public record FileState(byte[] content, int mode, int uid, int gid) {
  public FileState {
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileState f
        && Arrays.equals(content, f.content)
        && mode == f.mode
        && uid == f.uid
        && gid == f.gid;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(content), mode, uid, gid);
  }

  @Override
  public String toString() {
    return "FileState["
        + content.length
        + " bytes, "
        + String.format("0%o", mode)
        + ", "
        + uid
        + ":"
        + gid
        + "]";
  }
}
