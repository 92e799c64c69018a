package dev.ccd.registries;

import java.util.List;
import java.util.Objects;

/**
 * One registries.conf file after decoding: the file as written, its containers/image meaning
 * ({@code conf}, v1 already converted to v2), and the decoding problems (TOML syntax, types,
 * duplicate keys as errors; unknown keys as warnings). {@link Validator} adds the semantic rules.
 */
public record ParsedConf(
    String file, WrittenConf written, RegistriesConf conf, boolean v1, List<Problem> problems) {
  public ParsedConf {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(written, "written");
    Objects.requireNonNull(conf, "conf");
    problems = List.copyOf(problems);
  }

  /** True when decoding failed (TOML syntax or type errors): {@code conf} is then not usable. */
  public boolean hasDecodeErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }
}
