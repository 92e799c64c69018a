package dev.ccd.machineconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManagedPathsTest {
  @ParameterizedTest(name = "{0} managed={1}")
  @CsvSource({
    "/etc/containers/registries.conf, true",
    "/etc/containers/policy.json, true",
    "/etc/containers/registries.conf.d/99-mirrors.conf, true",
    "/etc/containers/registries.conf.d/notes.txt, true",
    "/etc/containers/registries.conf.d/sub/a.conf, false",
    "/etc/containers/registries.d/default.yaml, true",
    "/etc/containers/registries.d/keys/k.pub, true",
    "/etc/containers/registries.d/a/b/c.yaml, false",
    "/etc/containers/registries.conf.bak, false",
    "/etc/containers/storage.conf, false",
    "/etc/passwd, false",
  })
  void defaults(String path, boolean managed) {
    assertThat(ManagedPaths.DEFAULT.isManaged(path)).isEqualTo(managed);
    assertThat(ManagedPaths.DEFAULT.refusal(path).isEmpty()).isEqualTo(managed);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "/etc/containers/registries.conf.d/x.toml, true",
    "/etc/containers/registries.conf.d/x.conf, false",
    "/etc/containers/registries.d/x.yml, true",
    "/etc/containers/registries.d/keys/x.pub, false",
    "/etc/containers/policy.json, false",
  })
  void ineffective(String path, boolean warned) {
    assertThat(ManagedPaths.DEFAULT.ineffective(path).isPresent()).isEqualTo(warned);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''| path is empty",
        "a/b| path a/b is not absolute",
        "/etc/containers/| path /etc/containers/ names a directory, not a file",
        "/etc/./x| path /etc/./x contains a '.' segment",
        "/etc/../x| path /etc/../x contains a '..' segment",
        "/etc//x| path /etc//x contains an empty segment (//)",
      })
  void malformed(String path, String message) {
    assertThat(ManagedPaths.malformed(path)).contains(message);
  }

  @org.junit.jupiter.api.Test
  void configurable() {
    ManagedPaths custom =
        new ManagedPaths(
            List.of("/etc/crio/x.json"),
            List.of(new ManagedPaths.Directory("/etc/crio/policies", 1, Optional.empty())));
    assertThat(custom.isManaged("/etc/crio/policies/ns.json")).isTrue();
    assertThat(custom.isManaged("/etc/containers/registries.conf")).isFalse();
    assertThat(custom.describe()).isEqualTo("/etc/crio/x.json, /etc/crio/policies/*");
  }
}
