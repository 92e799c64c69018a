package dev.ccd.registries;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Go's string order (bytes of UTF-8), which containers/image sorts prefixes and paths by. */
final class ByteOrder {
  private ByteOrder() {}

  static final Comparator<String> STRINGS =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
}
