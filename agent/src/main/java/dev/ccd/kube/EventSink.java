package dev.ccd.kube;

/**
 * Records Kubernetes Events about a Node. Never throws and never waits for the API: a lost event
 * must not stop or slow an update.
 */
public interface EventSink {

  /**
   * Emits an event about {@code node}; {@code reason} is a short UpperCamelCase word (e.g. {@code
   * ConfigApplied}), {@code message} a sentence for humans.
   */
  void emit(String node, EventType type, String reason, String message);
}
