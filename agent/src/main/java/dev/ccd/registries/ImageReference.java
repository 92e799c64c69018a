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
    Optional<ImageReference> plain = readPlain(s);
    if (plain.isPresent()) {
      return plain.get();
    }
    return parseWithGrammar(s);
  }

  /** {@link #parse} by the regular expression alone: the reference for {@link #readPlain}. */
  static ImageReference parseWithGrammar(String s) {
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
    if (s.length() == 64 && HEX64.matcher(s).matches()) {
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

  /**
   * The common shape {@code host[:port]/component[/component...][:tag]}, read in one pass without
   * the regular expression (which is most of what validating a large registries.conf costs). Empty
   * for anything else (no domain, an IPv6 host, a digest, a name over the length limit, any
   * character or separator outside the grammar), which {@link #parseWithGrammar} then reads with
   * its errors. On every input it accepts the grammar gives the same reference: with a domain the
   * grammar's optional domain group is tried first and takes the text before the first {@code /};
   * the path ends at the first {@code :} after it, and the tag is the rest.
   */
  static Optional<ImageReference> readPlain(String s) {
    int slash = s.indexOf('/');
    if (slash <= 0 || slash > NAME_TOTAL_LENGTH_MAX || s.indexOf('@') >= 0) {
      return Optional.empty();
    }
    int colon = s.indexOf(':');
    int hostEnd = colon >= 0 && colon < slash ? colon : slash;
    if (!isHost(s, 0, hostEnd) || (hostEnd < slash && !isDigits(s, hostEnd + 1, slash))) {
      return Optional.empty();
    }
    int tagColon = s.indexOf(':', slash + 1);
    int pathEnd = tagColon >= 0 ? tagColon : s.length();
    if (pathEnd > NAME_TOTAL_LENGTH_MAX || !isPath(s, slash + 1, pathEnd)) {
      return Optional.empty();
    }
    Optional<String> tag = Optional.empty();
    if (tagColon >= 0) {
      if (!isTag(s, tagColon + 1, s.length())) {
        return Optional.empty();
      }
      tag = Optional.of(s.substring(tagColon + 1));
    }
    return Optional.of(
        new ImageReference(
            s.substring(0, slash), s.substring(slash + 1, pathEnd), tag, Optional.empty()));
  }

  /** Dot-separated labels of letters, digits and inner hyphens ({@code DOMAIN_COMPONENT}). */
  private static boolean isHost(String s, int from, int to) {
    int label = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '.') {
        if (i == label || s.charAt(label) == '-' || s.charAt(i - 1) == '-') {
          return false;
        }
        label = i + 1;
      } else if (!isAsciiLetterOrDigit(s.charAt(i)) && s.charAt(i) != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code /}-separated {@code NAME_COMPONENT}s: runs of [a-z0-9] joined by . _ __ or -+. */
  private static boolean isPath(String s, int from, int to) {
    int component = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '/') {
        if (!isComponent(s, component, i)) {
          return false;
        }
        component = i + 1;
      }
    }
    return true;
  }

  private static boolean isComponent(String s, int from, int to) {
    if (from == to || !isLowerOrDigit(s.charAt(from)) || !isLowerOrDigit(s.charAt(to - 1))) {
      return false;
    }
    int i = from;
    while (i < to) {
      char c = s.charAt(i);
      if (isLowerOrDigit(c)) {
        i++;
        continue;
      }
      int run = i;
      while (i < to && !isLowerOrDigit(s.charAt(i))) {
        i++;
      }
      if (!isSeparator(s, run, i)) {
        return false;
      }
    }
    return true;
  }

  /** {@code SEPARATOR}: one {@code .}, one {@code _}, {@code __}, or any run of {@code -}. */
  private static boolean isSeparator(String s, int from, int to) {
    char c = s.charAt(from);
    int length = to - from;
    if (c == '-') {
      for (int i = from; i < to; i++) {
        if (s.charAt(i) != '-') {
          return false;
        }
      }
      return true;
    }
    return (length == 1 && (c == '.' || c == '_'))
        || (length == 2 && c == '_' && s.charAt(from + 1) == '_');
  }

  /** {@code [\w][\w.-]{0,127}}. */
  private static boolean isTag(String s, int from, int to) {
    if (from == to || to - from > 128 || s.charAt(from) == '.' || s.charAt(from) == '-') {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isAsciiLetterOrDigit(c) && c != '_' && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(String s, int from, int to) {
    if (from == to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isLowerOrDigit(c) || (c >= 'A' && c <= 'Z');
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
