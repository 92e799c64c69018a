package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShortNamesTest {
  static final RegistriesConf CONF =
      new RegistriesConf(
          Optional.of(List.of("registry.example.com", "docker.io", "quay.io")),
          Optional.empty(),
          Optional.empty(),
          Map.of("fedora", "registry.fedoraproject.org/fedora"),
          List.of());

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "busybox|registry.example.com/busybox:latest docker.io/library/busybox:latest"
            + " quay.io/busybox:latest",
        "library/busybox:1.36|registry.example.com/library/busybox:1.36"
            + " docker.io/library/busybox:1.36 quay.io/library/busybox:1.36",
        "fedora:39|registry.fedoraproject.org/fedora:39",
        "quay.io/x/y|",
        "localhost/y|",
        "example.com:5000/y|",
      })
  void candidatesInTheOrderCriOTriesThem(String image, String candidates) {
    Optional<ShortNames.Resolution> r = ShortNames.resolve(CONF, image);
    if (candidates == null) {
      assertThat(r).as("not a short name").isEmpty();
      return;
    }
    assertThat(r.orElseThrow().candidates()).containsExactly(candidates.split(" "));
    assertThat(r.get().mode()).isEqualTo("enforcing");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // mode | search registries | image | refusal (empty: the candidates are tried)
        "enforcing|a.example,b.example|busybox|short name mode is enforcing, but image name"
            + " busybox returns ambiguous list",
        "enforcing|b.example|busybox|",
        "enforcing|a.example,b.example|fedora|",
        "permissive|a.example,b.example|busybox|",
        "disabled|a.example,b.example|busybox|",
        "permissive||busybox|short-name \"busybox\" did not resolve to an alias and no"
            + " unqualified-search registries are defined",
      })
  void refusedWhenCriOCannotChooseWithoutATerminal(
      String mode, String search, String image, String refusal) {
    RegistriesConf conf =
        new RegistriesConf(
            Optional.of(search == null ? List.of() : List.of(search.split(","))),
            Optional.of(mode),
            Optional.empty(),
            Map.of("fedora", "registry.fedoraproject.org/fedora"),
            List.of());
    assertThat(ShortNames.resolve(conf, image).orElseThrow().refusal())
        .isEqualTo(Optional.ofNullable(refusal));
  }
}
