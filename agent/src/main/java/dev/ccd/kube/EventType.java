package dev.ccd.kube;

/** The two Kubernetes event types. */
public enum EventType {
  NORMAL("Normal"),
  WARNING("Warning");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  /** The value of the Event's {@code type} field. */
  public String wire() {
    return wire;
  }
}
