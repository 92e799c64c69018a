package dev.ccd.machineconfig;

import java.util.Optional;

/**
 * Who should own a file, as Ignition says it: a numeric id wins over a name; both absent means root
 * (0). Names are resolved against the host's passwd/group files when the file is written.
 */
public record Owner(
    Optional<Integer> uid, Optional<String> user, Optional<Integer> gid, Optional<String> group) {
  public static final Owner ROOT =
      new Owner(Optional.of(0), Optional.empty(), Optional.of(0), Optional.empty());

  public static Owner ids(int uid, int gid) {
    return new Owner(Optional.of(uid), Optional.empty(), Optional.of(gid), Optional.empty());
  }
}
