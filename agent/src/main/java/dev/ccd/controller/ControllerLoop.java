package dev.ccd.controller;

/**
 * One of the controller's loops (render, rollout, drain): started once the process holds the
 * leader Lease, closed when it loses it or stops. {@link #start()} returns at once; the loop runs
 * on its own watches and executor until {@link #close()}.
 */
public interface ControllerLoop extends AutoCloseable {
  /** Starts watching and acting; returns at once. */
  void start();

  /** Stops the loop and releases its watches and threads; never throws. */
  @Override
  void close();
}
