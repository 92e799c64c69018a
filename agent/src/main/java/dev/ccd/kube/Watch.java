package dev.ccd.kube;

/** A running watch; closing it stops the events and any pending reconnect. */
public interface Watch extends AutoCloseable {
  @Override
  void close();
}
