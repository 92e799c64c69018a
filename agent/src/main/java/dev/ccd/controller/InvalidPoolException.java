package dev.ccd.controller;

/**
 * A MachineConfigPool field the controller cannot act on; the message names the field and says what
 * is wrong with it in words.
 */
public final class InvalidPoolException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidPoolException(String message) {
    super(message);
  }
}
