package dev.ccd.testing;

import dev.ccd.kube.EventSink;
import dev.ccd.kube.EventType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the events it is given as {@code Type Reason: message}. */
public final class FakeEventSink implements EventSink {
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Override
  public void emit(String node, EventType type, String reason, String message) {
    events.add(type.wire() + " " + reason + ": " + message);
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  public List<String> reasons() {
    return events.stream().map(e -> e.substring(e.indexOf(' ') + 1, e.indexOf(':'))).toList();
  }
}
