package dev.ccd.cli.status;

/** Where {@code ccd status} reads pools and nodes: the API server, or a fake in tests. */
public interface StatusSource extends AutoCloseable {

  /** Pools and nodes as they are now. */
  ClusterSnapshot read();

  /**
   * Calls {@code onChange} whenever a pool or node may have changed (at least once after the
   * watches start), until {@link #close}.
   */
  void watch(Runnable onChange);

  @Override
  void close();
}
