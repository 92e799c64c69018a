package dev.ccd.machineconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RenderedNameTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void stableAndSpecOnly() throws Exception {
    var a = json.readTree("{\"config\":{\"ignition\":{\"version\":\"3.5.0\"}},\"fips\":false}");
    var sameReordered =
        json.readTree("{\"fips\":false,\"config\":{\"ignition\":{\"version\":\"3.5.0\"}}}");
    var other = json.readTree("{\"config\":{\"ignition\":{\"version\":\"3.4.0\"}},\"fips\":false}");
    String name = RenderedName.of("worker", a);
    assertThat(name).matches("rendered-worker-[0-9a-f]{32}");
    assertThat(RenderedName.of("worker", sameReordered)).isEqualTo(name);
    assertThat(RenderedName.of("worker", other)).isNotEqualTo(name);
    assertThat(RenderedName.of("infra", a))
        .startsWith("rendered-infra-")
        .endsWith(name.substring(16));
  }
}
