package dev.ccd.cli;

import dev.ccd.kube.EventSink;
import dev.ccd.kube.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Host mode's events: there is no API to write them to, so they go to the log (the journal). */
final class LogEventSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger("dev.ccd.events");

  @Override
  public void emit(String node, EventType type, String reason, String message) {
    if (type == EventType.WARNING) {
      LOG.warn("event {}: {}", reason, message);
    } else {
      LOG.info("event {}: {}", reason, message);
    }
  }
}
