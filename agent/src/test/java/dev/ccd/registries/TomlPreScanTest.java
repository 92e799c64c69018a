package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TomlPreScanTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          brackets in a basic string      | a = "[[[[[["
          brackets in a literal string    | a = '{{{{{{'
          brackets in a multi-line string | a = \"\"\"\n[[[[[[\n\"\"\"
          brackets in a comment           | # [[[[[[\na = 1
          escaped quote in a string       | a = "\\"[[[[[["
          table headers                   | [[registry]]\n[[registry.mirror]]\n[a.b]
          """)
  void countsOnlyRealNesting(String name, String text) {
    assertThat(TomlPreScan.tooDeep(text.replace("\\n", "\n"), 3)).as(name).isEmpty();
  }

  @Test
  void findsTheLineOfTooDeepNesting() {
    String text = "a = 1\n# [\nb = [[[\n{x = [1]}]]]\n";
    assertThat(TomlPreScan.tooDeep(text, 4)).isEqualTo(OptionalInt.of(4));
    assertThat(TomlPreScan.tooDeep(text, 5)).isEmpty();
  }

  @Test
  void aDeepDropInIsAProblemNotAStackOverflow() {
    String text = "unqualified-search-registries = " + "[".repeat(1000) + "]".repeat(1000) + "\n";
    ParsedConf parsed = RegistriesToml.parse(text, "deep.conf");
    assertThat(parsed.problems())
        .singleElement()
        .hasToString(
            "deep.conf: toml: line 1: arrays or inline tables nested deeper than 32 levels");
  }

  @Test
  void aHugeStringIsRefusedBeforeTomljSeesIt() {
    String text = "a = 1\nb = \"" + "x".repeat(TomlPreScan.MAX_STRING) + "\"\n";
    ParsedConf parsed = RegistriesToml.parse(text, "long.conf");
    assertThat(parsed.problems())
        .singleElement()
        .hasToString("long.conf: toml: line 2: a string longer than 64 KiB");
    String justFits = "b = \"" + "x".repeat(TomlPreScan.MAX_STRING - 2) + "\"\n";
    assertThat(TomlPreScan.longString(justFits, TomlPreScan.MAX_STRING)).isEmpty();
  }
}
