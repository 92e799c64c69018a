package dev.ccd.registries;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A docker image reference ({@code domain/path[:tag][@digest]}) parsed with the grammar of
 * distribution/reference, which containers/image and CRI-O use.
 */
public record ImageReference(
    String domain, String path, Optional<String> tag, Optional<String> digest) {

  private static final String ALPHANUMERIC = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String NAME_COMPONENT =
      ALPHANUMERIC + "(?:" + SEPARATOR + ALPHANUMERIC + ")*";
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
  private static final String HOST =
      "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|" + IPV6 + ")";

  /** {@code host[:port]}: what an unqualified-search-registries entry must be. */
  static final Pattern DOMAIN = Pattern.compile(HOST + "(?::[0-9]+)?");

  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  private static final Pattern REFERENCE =
      Pattern.compile(
          "((?:("
              + DOMAIN.pattern()
              + ")/)?("
              + NAME_COMPONENT
              + "(?:/"
              + NAME_COMPONENT
              + ")*))(?::("
              + TAG
              + "))?(?:@("
              + DIGEST
              + "))?");
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");
  private static final int NAME_TOTAL_LENGTH_MAX = 255;

  public static final String DOCKER_DOMAIN = "docker.io";

  public ImageReference {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
  }

  /** Thrown for a string that is not a valid reference; the message is distribution's text. */
  public static final class InvalidReferenceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidReferenceException(String message) {
      super(message);
    }
  }

  /** {@code domain/path}: the repository name, what registries are matched against. */
  public String name() {
    return domain.isEmpty() ? path : domain + "/" + path;
  }

  public boolean isDigested() {
    return digest.isPresent();
  }

  /** The canonical text: {@code name[:tag][@digest]}. */
  @Override
  public String toString() {
    return name() + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
  }

  /** Adds {@code :latest} when neither tag nor digest is given (as the docker transport does). */
  public ImageReference withDefaultTag() {
    if (tag.isPresent() || digest.isPresent()) {
      return this;
    }
    return new ImageReference(domain, path, Optional.of("latest"), digest);
  }

  /**
   * Parses a reference exactly as written (distribution's {@code Parse}); the domain is whatever
   * precedes the first {@code /}, when the grammar says so.
   */
  public static ImageReference parse(String s) {
    Matcher m = REFERENCE.matcher(s);
    if (!m.matches()) {
      if (s.isEmpty()) {
        throw new InvalidReferenceException("repository name must have at least one component");
      }
      if (REFERENCE.matcher(s.toLowerCase(java.util.Locale.ROOT)).matches()) {
        throw new InvalidReferenceException("repository name must be lowercase");
      }
      throw new InvalidReferenceException("invalid reference format");
    }
    if (m.group(1).length() > NAME_TOTAL_LENGTH_MAX) {
      throw new InvalidReferenceException(
          "repository name must not be more than " + NAME_TOTAL_LENGTH_MAX + " characters");
    }
    String domain = m.group(2) == null ? "" : m.group(2);
    String path = m.group(3);
    Optional<String> digest = Optional.ofNullable(m.group(5));
    if (digest.isPresent()) {
      validateDigest(digest.get());
    }
    return new ImageReference(domain, path, Optional.ofNullable(m.group(4)), digest);
  }

  private static void validateDigest(String digest) {
    int colon = digest.indexOf(':');
    String algorithm = digest.substring(0, colon);
    String encoded = digest.substring(colon + 1);
    switch (algorithm) {
      case "sha256" -> {
        if (!SHA256.matcher(encoded).matches()) {
          throw new InvalidReferenceException("invalid checksum digest format");
        }
      }
      case "sha384", "sha512" -> {
        int len = algorithm.equals("sha384") ? 96 : 128;
        if (encoded.length() != len || !encoded.matches("[a-f0-9]+")) {
          throw new InvalidReferenceException("invalid checksum digest format");
        }
      }
      default -> throw new InvalidReferenceException("unsupported digest algorithm");
    }
  }

  /**
   * Parses and normalises a user-facing name (distribution's {@code ParseNormalizedNamed}): no
   * domain means {@code docker.io}, a single docker.io component gets {@code library/}.
   */
  public static ImageReference parseNormalized(String s) {
    if (HEX64.matcher(s).matches()) {
      throw new InvalidReferenceException(
          "invalid repository name (" + s + "), cannot specify 64-byte hexadecimal strings");
    }
    int slash = s.indexOf('/');
    String domain;
    String remainder;
    if (slash == -1
        || (!containsAny(s.substring(0, slash), ".:")
            && !s.substring(0, slash).equals("localhost")
            && s.substring(0, slash)
                .toLowerCase(java.util.Locale.ROOT)
                .equals(s.substring(0, slash)))) {
      domain = DOCKER_DOMAIN;
      remainder = s;
    } else {
      domain = s.substring(0, slash);
      remainder = s.substring(slash + 1);
    }
    if (domain.equals("index.docker.io")) {
      domain = DOCKER_DOMAIN;
    }
    if (domain.equals(DOCKER_DOMAIN) && remainder.indexOf('/') == -1) {
      remainder = "library/" + remainder;
    }
    String remoteName = remainder;
    int sep = indexOfAny(remoteName, ":@");
    if (sep != -1) {
      remoteName = remoteName.substring(0, sep);
    }
    if (!remoteName.toLowerCase(java.util.Locale.ROOT).equals(remoteName)) {
      throw new InvalidReferenceException(
          "invalid reference format: repository name (" + remoteName + ") must be lowercase");
    }
    ImageReference ref = parse(domain + "/" + remainder);
    if (ref.domain.isEmpty()) {
      throw new InvalidReferenceException("invalid reference format");
    }
    return ref;
  }

  /**
   * Parses a reference that must already be in canonical, fully-qualified form (distribution's
   * {@code ParseNamed}), as containers/image does with a rewritten pull source.
   */
  public static ImageReference parseCanonical(String s) {
    ImageReference ref = parseNormalized(s);
    if (!ref.toString().equals(s)) {
      throw new InvalidReferenceException("repository name must be canonical");
    }
    return ref;
  }

  private static boolean containsAny(String s, String chars) {
    return indexOfAny(s, chars) != -1;
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) != -1) {
        return i;
      }
    }
    return -1;
  }
}
