package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaxUnavailableTest {
  @ParameterizedTest(name = "{0} of {1} nodes = {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "null, 10, 1",
        "'', 10, 1",
        "3, 10, 3",
        "0, 10, 1",
        "20%, 10, 2",
        "25%, 10, 2",
        "19%, 10, 1",
        "5%, 3, 1",
        "100%, 7, 7",
        "0%, 7, 1",
        "50%, 0, 1"
      })
  void scalesAsTheOperatorDoes(String text, int nodes, int expected) throws Exception {
    assertThat(MaxUnavailable.parse(text).of(nodes)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "abc|is neither a number of nodes nor a percentage",
        "-1|is neither a number of nodes nor a percentage",
        "1.5|is neither a number of nodes nor a percentage",
        "20 %|is neither a number of nodes nor a percentage",
        "9999999999|is neither a number of nodes nor a percentage",
        "101%|is more than 100% of the pool"
      })
  void badValuesAreRefusedNamingTheField(String text, String message) {
    assertThatThrownBy(() -> MaxUnavailable.parse(text))
        .isInstanceOf(InvalidPoolException.class)
        .hasMessageStartingWith("spec.maxUnavailable: \"" + text + "\"")
        .hasMessageContaining(message);
  }
}
