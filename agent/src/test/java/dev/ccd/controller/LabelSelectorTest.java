package dev.ccd.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label selectors as Kubernetes reads them. */
class LabelSelectorTest {
  static final Map<String, String> WORKER =
      Map.of("machineconfiguration.openshift.io/role", "worker", "tier", "gold");

  static LabelSelector.Requirement req(String op, String... values) throws InvalidPoolException {
    return LabelSelector.requirement("sel.matchExpressions[0]", "tier", op, List.of(values));
  }

  @ParameterizedTest(name = "tier {0} {1} → {2}")
  @CsvSource({
    "In, gold|silver, true",
    "In, silver, false",
    "NotIn, silver, true",
    "NotIn, gold, false",
    "Exists, '', true",
    "DoesNotExist, '', false"
  })
  void expressions(String op, String values, boolean expected) throws Exception {
    String[] vs = values.isEmpty() ? new String[0] : values.split("\\|");
    LabelSelector s = new LabelSelector(Map.of(), List.of(req(op, vs)));

    assertThat(s.matches(WORKER)).isEqualTo(expected);
  }

  @Test
  void matchLabelsAndExpressionsMustAllHold() throws Exception {
    LabelSelector s =
        new LabelSelector(
            Map.of("machineconfiguration.openshift.io/role", "worker"), List.of(req("In", "gold")));

    assertThat(s.matches(WORKER)).isTrue();
    assertThat(s.matches(Map.of("machineconfiguration.openshift.io/role", "worker"))).isFalse();
    assertThat(s.matches(Map.of("tier", "gold"))).isFalse();
    assertThat(LabelSelector.EVERYTHING.matches(Map.of())).isTrue();
    assertThat(s.toString())
        .isEqualTo("machineconfiguration.openshift.io/role=worker,tier in (gold)");
  }

  @ParameterizedTest(name = "{1} {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "tier|Is|gold|sel.matchExpressions[0].operator: \"Is\" is not one of In, NotIn, Exists, DoesNotExist",
        "tier|In||sel.matchExpressions[0].values: In needs at least one value",
        "tier|Exists|gold|sel.matchExpressions[0].values: Exists takes no values",
        "|In|gold|sel.matchExpressions[0].key: must not be empty"
      })
  void badRequirementsNameTheField(String key, String op, String value, String message) {
    List<String> values = value == null ? List.of() : List.of(value);

    assertThatThrownBy(() -> LabelSelector.requirement("sel.matchExpressions[0]", key, op, values))
        .isInstanceOf(InvalidPoolException.class)
        .hasMessage(message);
  }
}
