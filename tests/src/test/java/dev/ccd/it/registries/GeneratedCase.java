package dev.ccd.it.registries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One differential case as drawn: the files (written as raw TOML text so that invalid and odd
 * spellings survive), the image, and the model the text was rendered from, which the difference
 * classifier reads.
 */
record GeneratedCase(
    int index,
    String mainText,
    Map<String, String> dropIns,
    String image,
    List<GenFile> model,
    Optional<String> injectedRule) {

  GeneratedCase {
    dropIns = new LinkedHashMap<>(dropIns);
    model = List.copyOf(model);
  }

  /** A file of the model: its name ({@code registries.conf} or a drop-in's) and registries. */
  record GenFile(String name, List<GenRegistry> registries) {}

  /** A {@code [[registry]]} as written; absent values are not written at all. */
  record GenRegistry(
      Optional<String> prefix,
      Optional<String> location,
      boolean insecure,
      boolean blocked,
      boolean mirrorByDigestOnly,
      Optional<String> pullFromMirror,
      List<GenMirror> mirrors) {

    /** The prefix containers/image uses: prefix, else location, trailing slashes trimmed. */
    String effectivePrefix() {
      String p = prefix.filter(s -> !s.isEmpty()).orElse(location.orElse(""));
      return trim(p);
    }

    StringBuilder render(StringBuilder out) {
      out.append("[[registry]]\n");
      prefix.ifPresent(p -> out.append("prefix=\"").append(p).append("\"\n"));
      location.ifPresent(l -> out.append("location=\"").append(l).append("\"\n"));
      if (insecure) {
        out.append("insecure=true\n");
      }
      if (blocked) {
        out.append("blocked=true\n");
      }
      if (mirrorByDigestOnly) {
        out.append("mirror-by-digest-only=true\n");
      }
      pullFromMirror.ifPresent(p -> out.append("pull-from-mirror=\"").append(p).append("\"\n"));
      for (GenMirror m : mirrors) {
        out.append("[[registry.mirror]]\n");
        m.location().ifPresent(l -> out.append("location=\"").append(l).append("\"\n"));
        if (m.insecure()) {
          out.append("insecure=true\n");
        }
        m.pullFromMirror()
            .ifPresent(p -> out.append("pull-from-mirror=\"").append(p).append("\"\n"));
      }
      return out;
    }
  }

  /** A {@code [[registry.mirror]]} as written. */
  record GenMirror(Optional<String> location, boolean insecure, Optional<String> pullFromMirror) {}

  static String trim(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }

  static String render(List<String> topLines, List<GenRegistry> registries) {
    StringBuilder out = new StringBuilder();
    topLines.forEach(l -> out.append(l).append('\n'));
    registries.forEach(r -> r.render(out));
    return out.toString();
  }

  static List<GenRegistry> copy(List<GenRegistry> registries) {
    return new ArrayList<>(registries);
  }
}
