package dev.ccd.cli;

/** Entry point of the {@code ccd} command. */
public final class Main {
  public static void main(String[] args) {
    System.out.println("ccd");
  }
}
