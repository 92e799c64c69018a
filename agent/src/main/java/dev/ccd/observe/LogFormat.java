package dev.ccd.observe;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * Chooses the log format for {@code logback.xml}: {@code CCD_LOG_FORMAT=json|text} when set, else
 * JSON lines inside a cluster ({@code KUBERNETES_SERVICE_HOST} set) or when not on a terminal, else
 * readable text. Its value names the appender to use ({@code json} or {@code text}).
 */
public final class LogFormat extends PropertyDefinerBase {

  @Override
  public String getPropertyValue() {
    return choose(
        System.getenv("CCD_LOG_FORMAT"),
        System.getenv("KUBERNETES_SERVICE_HOST"),
        System.console() != null);
  }

  /** The decision, apart from the environment. An unknown explicit value falls back to json. */
  public static String choose(String explicit, String kubernetesServiceHost, boolean terminal) {
    if (explicit != null && !explicit.isBlank()) {
      return "text".equals(explicit.trim().toLowerCase(Locale.ROOT)) ? "text" : "json";
    }
    if (kubernetesServiceHost != null && !kubernetesServiceHost.isEmpty()) {
      return "json";
    }
    return terminal ? "text" : "json";
  }
}
