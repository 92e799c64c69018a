package dev.ccd.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogFormatTest {

  @ParameterizedTest(name = "CCD_LOG_FORMAT={0} KUBERNETES_SERVICE_HOST={1} terminal={2} -> {3}")
  @CsvSource(
      nullValues = "null",
      value = {
        "text, 10.0.0.1, false, text",
        "json, null, true, json",
        "TEXT, null, false, text",
        "yaml, null, true, json",
        "null, 10.0.0.1, true, json",
        "null, null, true, text",
        "null, null, false, json",
        "'', '', true, text",
      })
  void chooses(String explicit, String kubeHost, boolean terminal, String expected) {
    assertThat(LogFormat.choose(explicit, kubeHost, terminal)).isEqualTo(expected);
  }
}
