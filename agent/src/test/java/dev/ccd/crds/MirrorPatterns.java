package dev.ccd.crds;

/** The {@code source} and {@code mirrors} patterns of openshift/api's config/v1 mirror sets. */
final class MirrorPatterns {
  private static final String LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String HOST_PATH =
      "((?:"
          + LABEL
          + ")(?:(?:\\.(?:"
          + "[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]"
          + "))+)?(?::[0-9]+)?)(?:(?:/[a-z0-9]+(?:(?:(?:[._]|__|[-]*)[a-z0-9]+)+)?)+)?$";

  /** {@code host[:port][/namespace...][/repo]}. */
  static final String MIRROR = "^" + HOST_PATH;

  /** A mirror, or a wildcard host {@code *.example.com}. */
  static final String SOURCE = "^\\*(?:\\." + LABEL + ")+$|^" + HOST_PATH;

  private MirrorPatterns() {}
}
