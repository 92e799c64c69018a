package dev.ccd.registries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** distribution/reference's normalisation and its errors. */
class ImageReferenceTest {
  private static final String D = "sha256:" + "a".repeat(64);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "busybox, docker.io/library/busybox:latest",
    "alpine:3, docker.io/library/alpine:3",
    "user/app, docker.io/user/app:latest",
    "index.docker.io/user/app:1, docker.io/user/app:1",
    "docker.io/busybox, docker.io/library/busybox:latest",
    "localhost/app, localhost/app:latest",
    "localhost:1/foo/bar:1, localhost:1/foo/bar:1",
    "example.com:5000/a/b-c__d.e:v1.0, example.com:5000/a/b-c__d.e:v1.0",
    "127.0.0.1:1/x@"
        + "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        + ", 127.0.0.1:1/x@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "[::1]:5000/x:1, [::1]:5000/x:1",
    "Host.Example.com/x, Host.Example.com/x:latest"
  })
  void normalises(String input, String expected) {
    assertThat(ImageReference.parseNormalized(input).withDefaultTag().toString())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Busybox | invalid reference format: repository name (library/Busybox) must be lowercase",
        "example.com/Foo | invalid reference format: repository name (Foo) must be lowercase",
        "example.com/foo//bar | invalid reference format",
        "example.com/foo/ | invalid reference format",
        "example.com/foo:-tag | invalid reference format",
        "example.com/foo@sha256:abc | invalid reference format",
        "example.com/foo@sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | invalid checksum digest format",
        "example.com/foo@md5:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | unsupported digest algorithm",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | invalid repository name (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa), cannot specify 64-byte hexadecimal strings",
        "127.0.0.1:1/m:5000/foo:tag | invalid reference format"
      })
  void rejects(String input, String message) {
    assertThatThrownBy(() -> ImageReference.parseNormalized(input))
        .isInstanceOf(ImageReference.InvalidReferenceException.class)
        .hasMessage(message);
  }

  @org.junit.jupiter.api.Test
  void canonicalParsingRejectsWhatWouldBeNormalised() {
    assertThatThrownBy(() -> ImageReference.parseCanonical("registry/x:1"))
        .hasMessage("repository name must be canonical");
    assertThat(ImageReference.parseCanonical("example.com/x@" + D).isDigested()).isTrue();
    assertThat(ImageReference.parse("example.com/x:1@" + D).tag()).contains("1");
    assertThatThrownBy(() -> ImageReference.parse("x".repeat(256)))
        .hasMessage("repository name must not be more than 255 characters");
  }
}
