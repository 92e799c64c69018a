package dev.ccd.machineconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.registries.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a MachineConfig's Ignition 3.x config into {@link DesiredFiles}, refusing anything ccd
 * cannot or will not do (other Ignition sections, remote sources, paths off the allowlist, …) and
 * reporting every problem at once, each naming its field ({@code
 * spec.config.storage.files[2].contents.source}).
 *
 * <p>{@code overwrite: false} is accepted with a warning and ignored, as the machine-config-daemon
 * does: ccd always replaces a managed file, so a node converges to the same bytes whether or not a
 * file existed before.
 */
public final class IgnitionDecoder {
  /**
   * Largest decoded (gunzipped) file we accept: 1 MiB, far above any real registries.conf or
   * policy.json; a guard against gzip bombs and against files that would make validation slow.
   */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  private static final String LIMIT = "1 MiB";
  private static final Pattern HASH = Pattern.compile("(sha512|sha256)-([0-9a-fA-F]+)");
  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)(-.*)?");
  private static final int MAX_MINOR = 5;
  private static final Set<String> FILE_FIELDS =
      Set.of("path", "contents", "mode", "user", "group", "overwrite", "append");
  private static final Set<String> CONTENTS_FIELDS =
      Set.of("source", "compression", "verification", "httpHeaders");

  /** Decoded files and the warnings found on the way (no errors: those throw). */
  public record Decoded(DesiredFiles files, List<Problem> warnings) {
    public Decoded {
      warnings = List.copyOf(warnings);
    }
  }

  private IgnitionDecoder() {}

  /**
   * The files {@code doc} asks for; config name = {@code metadata.name}.
   *
   * @throws InvalidConfigException listing every problem (warnings included)
   */
  public static DesiredFiles decode(MachineConfigDocument doc, ManagedPaths paths) {
    return check(doc, paths).files();
  }

  /**
   * Like {@link #decode} but also returns the warnings (ignored {@code overwrite: false}, files
   * containers/image will not read, unknown fields).
   *
   * @throws InvalidConfigException listing every problem (warnings included) when any is an error
   */
  public static Decoded check(MachineConfigDocument doc, ManagedPaths paths) {
    Run run = new Run(doc.source());
    checkSpec(doc, run);
    ObjectNode config = doc.config();
    List<DesiredFile> files = new ArrayList<>();
    if (!config.isEmpty()) {
      checkIgnition(config.get("ignition"), run);
      checkSections(config, run);
      JsonNode list = config.path("storage").get("files");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          run.error("spec.config.storage.files", "expected a list");
        } else {
          Map<String, Integer> seen = new HashMap<>();
          for (int i = 0; i < list.size(); i++) {
            decodeFile(list.get(i), i, paths, seen, run).ifPresent(files::add);
          }
        }
      }
    }
    if (run.problems.stream().anyMatch(Problem::isError)) {
      throw new InvalidConfigException(run.problems);
    }
    return new Decoded(new DesiredFiles(doc.name(), files), run.problems);
  }

  private static void checkSpec(MachineConfigDocument doc, Run run) {
    for (Map.Entry<String, JsonNode> e : doc.otherSpec().entrySet()) {
      String field = "spec." + e.getKey();
      JsonNode v = e.getValue();
      switch (e.getKey()) {
        case "kernelArguments", "extensions", "osImageURL", "baseOSExtensionsContainerImage" -> {
          if (!isEmpty(v)) {
            run.error(field, "not supported by ccd (it never changes the OS or reboots)");
          }
        }
        case "fips" -> {
          if (v.asBoolean(false)) {
            run.error(field, "not supported by ccd (it never changes the OS or reboots)");
          }
        }
        case "kernelType" -> {
          if (!isEmpty(v) && !v.asText().equals("default")) {
            run.error(field, "not supported by ccd (it never changes the OS or reboots)");
          }
        }
        default -> {
          if (!isEmpty(v)) {
            run.warning(field, "unknown field, ignored");
          }
        }
      }
    }
  }

  private static void checkIgnition(JsonNode ignition, Run run) {
    JsonNode version = ignition == null ? null : ignition.get("version");
    if (version == null || !version.isTextual()) {
      run.error("spec.config.ignition.version", "missing; ccd reads Ignition 3.0.0 to 3.5.0");
      return;
    }
    Matcher m = VERSION.matcher(version.asText());
    boolean supported =
        m.matches()
            && m.group(1).equals("3")
            && Integer.parseInt(m.group(2)) <= MAX_MINOR
            && m.group(3).equals("0")
            && m.group(4) == null;
    if (!supported) {
      String hint =
          m.matches() && m.group(1).equals("2")
              ? "Ignition spec 2 is not supported; convert the config to 3.x"
              : "unsupported Ignition version";
      run.error(
          "spec.config.ignition.version",
          hint + " (\"" + version.asText() + "\"); ccd reads 3.0.0 to 3.5.0");
      return;
    }
    JsonNode config = ignition.get("config");
    if (config != null && !isEmpty(config)) {
      run.error(
          "spec.config.ignition.config",
          "not supported by ccd (merge/replace would fetch another config; ccd never fetches)");
    }
  }

  private static void checkSections(ObjectNode config, Run run) {
    Iterator<Map.Entry<String, JsonNode>> it = config.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.equals("ignition")) {
        continue;
      }
      if (key.equals("storage") && e.getValue().isObject()) {
        Iterator<Map.Entry<String, JsonNode>> s = e.getValue().properties().iterator();
        while (s.hasNext()) {
          Map.Entry<String, JsonNode> se = s.next();
          if (!se.getKey().equals("files") && !isEmpty(se.getValue())) {
            run.error(
                "spec.config.storage." + se.getKey(),
                "not supported by ccd (only storage.files is)");
          }
        }
        continue;
      }
      if (isEmpty(e.getValue())) {
        continue;
      }
      if (e.getValue().isObject()) {
        // Name the sub-section (systemd.units, passwd.users) so the user sees what to remove.
        Iterator<Map.Entry<String, JsonNode>> s = e.getValue().properties().iterator();
        while (s.hasNext()) {
          Map.Entry<String, JsonNode> se = s.next();
          if (!isEmpty(se.getValue())) {
            run.error(
                "spec.config." + key + "." + se.getKey(),
                "not supported by ccd (only storage.files is)");
          }
        }
      } else {
        run.error("spec.config." + key, "not supported by ccd (only storage.files is)");
      }
    }
  }

  private static Optional<DesiredFile> decodeFile(
      JsonNode f, int i, ManagedPaths paths, Map<String, Integer> seen, Run run) {
    String at = "spec.config.storage.files[" + i + "]";
    if (f == null || !f.isObject()) {
      run.error(at, "expected an object");
      return Optional.empty();
    }
    int before = run.errorCount();
    JsonNode p = f.get("path");
    String path = null;
    if (p == null || !p.isTextual()) {
      run.error(at + ".path", "missing or not a string");
    } else {
      path = p.asText();
      Optional<String> refusal = paths.refusal(path);
      if (refusal.isPresent()) {
        run.error(at + ".path", refusal.get());
      } else {
        paths.ineffective(path).ifPresent(w -> run.warning(at + ".path", w));
        Integer first = seen.putIfAbsent(path, i);
        if (first != null) {
          run.error(
              at + ".path",
              "duplicate path " + path + " (also spec.config.storage.files[" + first + "])");
        }
      }
    }
    f.fieldNames()
        .forEachRemaining(
            name -> {
              if (!FILE_FIELDS.contains(name)) {
                run.warning(at + "." + name, "unknown field, ignored");
              }
            });

    byte[] content = contents(f.get("contents"), at + ".contents", run);
    int mode = mode(f.get("mode"), at + ".mode", path, run);
    Optional<Integer> uid = id(f.path("user").get("id"), at + ".user.id", run);
    Optional<String> user = name(f.path("user").get("name"), at + ".user.name", run);
    Optional<Integer> gid = id(f.path("group").get("id"), at + ".group.id", run);
    Optional<String> group = name(f.path("group").get("name"), at + ".group.name", run);

    JsonNode overwrite = f.get("overwrite");
    if (overwrite != null && !overwrite.isNull()) {
      if (!overwrite.isBoolean()) {
        run.error(at + ".overwrite", "expected true or false");
      } else if (!overwrite.asBoolean()) {
        run.warning(
            at + ".overwrite",
            "overwrite: false is ignored; ccd always replaces the file, as the machine-config-daemon");
      }
    }
    JsonNode append = f.get("append");
    if (append != null && !isEmpty(append)) {
      run.error(
          at + ".append",
          "append is not supported (ignition file "
              + (path == null ? "?" : path)
              + " includes append)");
    }
    if (run.errorCount() > before || content == null || path == null) {
      return Optional.empty();
    }
    return Optional.of(new DesiredFile(path, content, mode, new Owner(uid, user, gid, group)));
  }

  private static byte[] contents(JsonNode contents, String at, Run run) {
    if (contents == null || contents.isNull()) {
      return new byte[0];
    }
    if (!contents.isObject()) {
      run.error(at, "expected an object");
      return null;
    }
    contents
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!CONTENTS_FIELDS.contains(name)) {
                run.warning(at + "." + name, "unknown field, ignored");
              }
            });
    JsonNode compression = contents.get("compression");
    boolean gzip = false;
    if (compression != null && !compression.isNull()) {
      String c = compression.asText();
      if (!compression.isTextual()) {
        run.error(at + ".compression", "expected a string");
        return null;
      } else if (c.equals("gzip")) {
        gzip = true;
      } else if (!c.isEmpty()) {
        run.error(at + ".compression", "unsupported compression type \"" + c + "\"");
        return null;
      }
    }
    JsonNode source = contents.get("source");
    if (source == null || source.isNull()) {
      return new byte[0];
    }
    if (!source.isTextual()) {
      run.error(at + ".source", "expected a data: URL string");
      return null;
    }
    String url = source.asText();
    if (!url.regionMatches(true, 0, "data:", 0, 5)) {
      int colon = url.indexOf(':');
      String scheme = colon > 0 ? url.substring(0, colon) : url;
      run.error(
          at + ".source",
          "source scheme \""
              + scheme
              + "\" is not supported: ccd never fetches remote files; inline the content as a data: URL");
      return null;
    }
    byte[] raw;
    try {
      raw = DataUrl.decode(url);
    } catch (IllegalArgumentException e) {
      run.error(at + ".source", e.getMessage());
      return null;
    }
    if (raw.length > MAX_FILE_BYTES) {
      run.error(at + ".source", "content is larger than the " + LIMIT + " limit for one file");
      return null;
    }
    byte[] content = raw;
    if (gzip) {
      try {
        content = gunzip(raw);
      } catch (IOException e) {
        run.error(
            at + ".source",
            "compression is gzip but the data is not valid gzip: " + e.getMessage());
        return null;
      } catch (TooLarge e) {
        run.error(
            at + ".source",
            "decompressed content is larger than the " + LIMIT + " limit for one file");
        return null;
      }
    }
    return verified(contents.get("verification"), content, at + ".verification", run)
        ? content
        : null;
  }

  /**
   * Checks {@code verification.hash} as Ignition does: {@code sha512-<hex>} or {@code sha256-<hex>}
   * over the content after decompression (Ignition hashes the decompressed stream).
   */
  private static boolean verified(JsonNode verification, byte[] content, String at, Run run) {
    if (verification == null || verification.isNull()) {
      return true;
    }
    if (!verification.isObject()) {
      run.error(at, "expected an object");
      return false;
    }
    JsonNode hash = verification.get("hash");
    if (hash == null || hash.isNull()) {
      return true;
    }
    if (!hash.isTextual()) {
      run.error(at + ".hash", "expected a string like sha512-<hex>");
      return false;
    }
    Matcher m = HASH.matcher(hash.asText());
    String algorithm = m.matches() ? m.group(1) : "";
    int hexLength = algorithm.equals("sha512") ? 128 : 64;
    if (!m.matches() || m.group(2).length() != hexLength) {
      run.error(
          at + ".hash",
          "invalid hash \""
              + hash.asText()
              + "\"; expected sha512-<128 hex digits> or sha256-<64 hex digits>");
      return false;
    }
    String actual = hex(digest(algorithm.equals("sha512") ? "SHA-512" : "SHA-256", content));
    if (!actual.equalsIgnoreCase(m.group(2))) {
      run.error(
          at + ".hash",
          "content does not match its "
              + algorithm
              + " hash (expected "
              + m.group(2)
              + ", the content has "
              + actual
              + ")");
      return false;
    }
    return true;
  }

  private static byte[] digest(String algorithm, byte[] content) {
    try {
      return MessageDigest.getInstance(algorithm).digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has " + algorithm, e);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length * 2);
    for (byte x : bytes) {
      b.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return b.toString();
  }

  /** Gunzips in memory, stopping at {@link #MAX_FILE_BYTES}. */
  static byte[] gunzip(byte[] raw) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (out.size() > MAX_FILE_BYTES) {
          throw new TooLarge();
        }
      }
      return out.toByteArray();
    } catch (java.io.EOFException e) {
      throw new IOException("the data ends before the end of the gzip stream", e);
    } catch (ZipException e) {
      String why = e.getMessage() == null ? "corrupt data" : e.getMessage();
      throw new IOException(why.toLowerCase(java.util.Locale.ROOT), e);
    }
  }

  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static int mode(JsonNode mode, String at, String path, Run run) {
    if (mode == null || mode.isNull()) {
      return DesiredFile.DEFAULT_MODE;
    }
    if (!mode.isIntegralNumber() || !mode.canConvertToInt()) {
      run.error(
          at,
          "expected a decimal integer (420 = 0644), found " + MachineConfigReader.describe(mode));
      return DesiredFile.DEFAULT_MODE;
    }
    int m = mode.asInt();
    if (m < 0) {
      run.error(at, "invalid mode " + m + ", must not be negative");
    } else if (m > 0777) {
      // The machine-config-operator's validation refuses setuid/setgid/sticky bits too.
      run.error(
          at,
          "invalid mode 0"
              + Integer.toOctalString(m)
              + " for "
              + (path == null ? "?" : path)
              + ", cannot exceed 0777");
    }
    return m;
  }

  private static Optional<Integer> id(JsonNode id, String at, Run run) {
    if (id == null || id.isNull()) {
      return Optional.empty();
    }
    if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
      run.error(at, "expected a non-negative integer, found " + MachineConfigReader.describe(id));
      return Optional.empty();
    }
    return Optional.of(id.asInt());
  }

  private static Optional<String> name(JsonNode name, String at, Run run) {
    if (name == null || name.isNull()) {
      return Optional.empty();
    }
    if (!name.isTextual()) {
      run.error(at, "expected a string, found " + MachineConfigReader.describe(name));
      return Optional.empty();
    }
    return name.asText().isEmpty() ? Optional.empty() : Optional.of(name.asText());
  }

  /** Null, "", [], {} or an object of only such values: what Ignition treats as "not set". */
  static boolean isEmpty(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return true;
    }
    if (n.isTextual()) {
      return n.asText().isEmpty();
    }
    if (n.isArray()) {
      return n.isEmpty();
    }
    if (n.isObject()) {
      Iterator<JsonNode> values = n.elements();
      while (values.hasNext()) {
        if (!isEmpty(values.next())) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** Problems collected while decoding one document. */
  private static final class Run {
    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    Run(String file) {
      this.file = file;
    }

    void error(String field, String message) {
      problems.add(Problem.error(file, field, message));
    }

    void warning(String field, String message) {
      problems.add(Problem.warning(file, field, message));
    }

    int errorCount() {
      return (int) problems.stream().filter(Problem::isError).count();
    }
  }
}
