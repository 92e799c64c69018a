package dev.ccd.testing;

import dev.ccd.host.Mounts;
import java.util.ArrayList;
import java.util.List;

/** A read-only mount that records when it was made writable and read-only again. */
public final class FakeMounts implements Mounts {
  private final List<String> events = new ArrayList<>();
  private boolean writable;

  public boolean writable() {
    return writable;
  }

  /** {@code rw DIR} and {@code ro DIR}, in order. */
  public List<String> events() {
    return List.copyOf(events);
  }

  @Override
  public WritableWindow openWritable(String hostDir) {
    events.add("rw " + hostDir);
    writable = true;
    return () -> {
      events.add("ro " + hostDir);
      writable = false;
    };
  }

  @Override
  public List<String> restoreAfterCrash() {
    return List.of();
  }
}
