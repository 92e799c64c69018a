package dev.ccd.kube;

import java.io.IOException;

/**
 * A call to the Kubernetes API failed; {@link #code()} is the HTTP status, 0 when there was none.
 */
public final class KubeApiException extends IOException {
  private final int code;

  public KubeApiException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public KubeApiException(int code, String message) {
    this(code, message, null);
  }

  /** The HTTP status code of the failed call (404, 409, 403, ...), 0 for transport errors. */
  public int code() {
    return code;
  }

  /** True when the object does not exist. */
  public boolean notFound() {
    return code == 404;
  }
}
