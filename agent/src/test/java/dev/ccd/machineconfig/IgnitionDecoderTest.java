package dev.ccd.machineconfig;

import static dev.ccd.machineconfig.Ign.b64;
import static dev.ccd.machineconfig.Ign.file;
import static dev.ccd.machineconfig.Ign.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.registries.Problem;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IgnitionDecoderTest {
  private static final String REG = "/etc/containers/registries.conf";
  private static final String F0 = "spec.config.storage.files[0]";

  static Stream<Arguments> contents() {
    String toml = "unqualified-search-registries = [\"docker.io\"]\n";
    return Stream.of(
        Arguments.of("base64, empty media type", b64(toml), null, utf8(toml)),
        Arguments.of(
            "base64 with MCO's media type",
            "data:text/plain;charset=utf-8;base64,"
                + Base64.getEncoder().encodeToString(utf8(toml)),
            null,
            utf8(toml)),
        Arguments.of("percent-encoded", "data:,foo%20bar%0A", null, utf8("foo bar\n")),
        Arguments.of("plain, no encoding", "data:,plain", null, utf8("plain")),
        Arguments.of(
            "percent-encoded with media type",
            "data:text/plain;charset=utf-8,a%3Db",
            null,
            utf8("a=b")),
        Arguments.of(
            "gzip",
            "data:;base64," + Base64.getEncoder().encodeToString(Ign.gzip(utf8(toml))),
            "gzip",
            utf8(toml)),
        Arguments.of("explicit empty compression", b64("x"), "", utf8("x")),
        Arguments.of("source absent: empty file", null, null, new byte[0]),
        Arguments.of("empty data", "data:,", null, new byte[0]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contents")
  void decodesContents(String name, String source, String compression, byte[] expected) {
    ObjectNode config =
        Ign.withFiles(
            f -> {
              f.put("path", REG);
              ObjectNode c = f.putObject("contents");
              if (source != null) {
                c.put("source", source);
              }
              if (compression != null) {
                c.put("compression", compression);
              }
            });
    DesiredFiles files = IgnitionDecoder.decode(Ign.doc(config), ManagedPaths.DEFAULT);
    assertThat(files.configName()).isEqualTo("99-worker-test");
    assertThat(files.files()).hasSize(1);
    DesiredFile f = files.files().get(0);
    assertThat(f.content()).as(name).isEqualTo(expected);
    assertThat(f.mode()).isEqualTo(0644);
    assertThat(f.owner())
        .isEqualTo(
            new Owner(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
  }

  @Test
  void modesAndOwners() {
    ObjectNode config =
        Ign.withFiles(
            f -> {
              file(REG, "data:,a").accept(f);
              f.put("mode", 0600);
              f.putObject("user").put("id", 12).put("name", "ignored-id-wins");
              f.putObject("group").put("name", "wheel");
            },
            f -> {
              file("/etc/containers/policy.json", "data:,b").accept(f);
              f.put("mode", 420);
              f.putObject("user").put("name", "containers");
            });
    DesiredFiles files = IgnitionDecoder.decode(Ign.doc(config), ManagedPaths.DEFAULT);
    assertThat(files.files().get(0).mode()).isEqualTo(0600);
    assertThat(files.files().get(0).owner())
        .isEqualTo(
            new Owner(
                Optional.of(12),
                Optional.of("ignored-id-wins"),
                Optional.empty(),
                Optional.of("wheel")));
    assertThat(files.files().get(1).mode()).isEqualTo(0644);
    assertThat(files.files().get(1).owner().user()).contains("containers");
    assertThat(files.files())
        .extracting(DesiredFile::path)
        .containsExactly(REG, "/etc/containers/policy.json");
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        bad(
            "bad base64",
            Ign.withFiles(file(REG, "data:;base64,@@not base64@@")),
            F0 + ".contents.source",
            "invalid base64 data"),
        bad(
            "bad gzip",
            Ign.withFiles(
                f -> {
                  file(REG, b64("not gzip")).accept(f);
                  ((ObjectNode) f.get("contents")).put("compression", "gzip");
                }),
            F0 + ".contents.source",
            "compression is gzip but the data is not valid gzip"),
        bad(
            "unknown compression",
            Ign.withFiles(
                f -> {
                  file(REG, b64("x")).accept(f);
                  ((ObjectNode) f.get("contents")).put("compression", "xz");
                }),
            F0 + ".contents.compression",
            "unsupported compression type \"xz\""),
        bad(
            "remote URL",
            Ign.withFiles(file(REG, "https://example.com/registries.conf")),
            F0 + ".contents.source",
            "source scheme \"https\" is not supported: ccd never fetches remote files"),
        bad(
            "s3 URL",
            Ign.withFiles(file(REG, "s3://bucket/key")),
            F0 + ".contents.source",
            "source scheme \"s3\""),
        bad(
            "bad percent-encoding",
            Ign.withFiles(file(REG, "data:,100%")),
            F0 + ".contents.source",
            "invalid percent-encoding"),
        bad(
            "setuid mode",
            Ign.withFiles(
                f -> {
                  file(REG, "data:,").accept(f);
                  f.put("mode", 04755);
                }),
            F0 + ".mode",
            "invalid mode 04755 for " + REG + ", cannot exceed 0777"),
        bad(
            "mode above 07777",
            Ign.withFiles(
                f -> {
                  file(REG, "data:,").accept(f);
                  f.put("mode", 070000);
                }),
            F0 + ".mode",
            "invalid mode 070000 for " + REG + ", cannot exceed 0777"),
        bad(
            "mode as a string",
            Ign.withFiles(
                f -> {
                  file(REG, "data:,").accept(f);
                  f.put("mode", "0644");
                }),
            F0 + ".mode",
            "expected a decimal integer (420 = 0644), found \"0644\""),
        bad(
            "negative uid",
            Ign.withFiles(
                f -> {
                  file(REG, "data:,").accept(f);
                  f.putObject("user").put("id", -1);
                }),
            F0 + ".user.id",
            "expected a non-negative integer"),
        bad(
            "dot-dot segment",
            Ign.withFiles(file("/etc/containers/../passwd", "data:,")),
            F0 + ".path",
            "path /etc/containers/../passwd contains a '..' segment"),
        bad(
            "double slash",
            Ign.withFiles(file("/etc/containers//registries.conf", "data:,")),
            F0 + ".path",
            "contains an empty segment (//)"),
        bad(
            "relative path",
            Ign.withFiles(file("etc/containers/registries.conf", "data:,")),
            F0 + ".path",
            "path etc/containers/registries.conf is not absolute"),
        bad(
            "path off the allowlist",
            Ign.withFiles(file("/etc/passwd", "data:,")),
            F0 + ".path",
            "path /etc/passwd is not managed by ccd (allowed: /etc/containers/registries.conf,"
                + " /etc/containers/policy.json, /etc/containers/registries.conf.d/*,"
                + " /etc/containers/registries.d/* (2 levels))"),
        bad(
            "too deep under registries.conf.d",
            Ign.withFiles(file("/etc/containers/registries.conf.d/sub/a.conf", "data:,")),
            F0 + ".path",
            "is not managed by ccd"),
        bad(
            "missing path",
            Ign.withFiles(f -> f.putObject("contents").put("source", "data:,")),
            F0 + ".path",
            "missing or not a string"),
        bad(
            "append",
            Ign.withFiles(
                f -> {
                  file(REG, "data:,").accept(f);
                  f.putArray("append").addObject().putObject("contents").put("source", "data:,x");
                }),
            F0 + ".append",
            "append is not supported (ignition file " + REG + " includes append)"),
        bad(
            "duplicate path",
            Ign.withFiles(file(REG, "data:,a"), file(REG, "data:,b")),
            "spec.config.storage.files[1].path",
            "duplicate path " + REG + " (also spec.config.storage.files[0])"),
        bad(
            "systemd units",
            with(
                Ign.withFiles(file(REG, "data:,")),
                c -> c.putObject("systemd").putArray("units").addObject().put("name", "x.service")),
            "spec.config.systemd.units",
            "not supported by ccd (only storage.files is)"),
        bad(
            "passwd users",
            with(
                Ign.withFiles(),
                c -> c.putObject("passwd").putArray("users").addObject().put("name", "core")),
            "spec.config.passwd.users",
            "not supported by ccd"),
        bad(
            "storage directories",
            with(
                Ign.withFiles(),
                c ->
                    ((ObjectNode) c.get("storage"))
                        .putArray("directories")
                        .addObject()
                        .put("path", "/etc/x")),
            "spec.config.storage.directories",
            "not supported by ccd (only storage.files is)"),
        bad(
            "Ignition kernelArguments",
            with(
                Ign.withFiles(),
                c -> c.putObject("kernelArguments").putArray("shouldExist").add("quiet")),
            "spec.config.kernelArguments.shouldExist",
            "not supported by ccd"),
        bad(
            "remote config merge",
            with(
                Ign.withFiles(),
                c ->
                    ((ObjectNode) c.get("ignition"))
                        .putObject("config")
                        .putArray("merge")
                        .addObject()
                        .put("source", "https://x")),
            "spec.config.ignition.config",
            "ccd never fetches"),
        bad(
            "Ignition 2.2.0",
            Ign.config("2.2.0"),
            "spec.config.ignition.version",
            "Ignition spec 2 is not supported; convert the config to 3.x (\"2.2.0\"); ccd reads"
                + " 3.0.0 to 3.5.0"),
        bad(
            "Ignition 3.6.0-experimental",
            Ign.config("3.6.0-experimental"),
            "spec.config.ignition.version",
            "unsupported Ignition version (\"3.6.0-experimental\")"),
        bad(
            "version missing",
            with(Ign.withFiles(), c -> c.remove("ignition")),
            "spec.config.ignition.version",
            "missing; ccd reads Ignition 3.0.0 to 3.5.0"));
  }

  private static Arguments bad(String name, ObjectNode config, String field, String message) {
    return Arguments.of(name, config, field, message);
  }

  private static ObjectNode with(ObjectNode config, Consumer<ObjectNode> change) {
    change.accept(config);
    return config;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void refuses(String name, ObjectNode config, String field, String message) {
    assertThatThrownBy(() -> IgnitionDecoder.decode(Ign.doc(config), ManagedPaths.DEFAULT))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .as(name)
                    .anySatisfy(
                        p -> {
                          assertThat(p.isError()).isTrue();
                          assertThat(p.file()).isEqualTo("machineconfig/99-worker-test");
                          assertThat(p.field()).isEqualTo(field);
                          assertThat(p.message()).contains(message);
                        }));
  }

  static Stream<Arguments> specFields() {
    var nodes = JsonNodeFactory.instance;
    return Stream.of(
        Arguments.of("kernelArguments", nodes.arrayNode().add("nosmt")),
        Arguments.of("extensions", nodes.arrayNode().add("usbguard")),
        Arguments.of("fips", nodes.booleanNode(true)),
        Arguments.of("kernelType", nodes.textNode("realtime")),
        Arguments.of("osImageURL", nodes.textNode("quay.io/os@sha256:1")));
  }

  @ParameterizedTest(name = "spec.{0}")
  @MethodSource("specFields")
  void refusesOsSpecFields(String field, com.fasterxml.jackson.databind.JsonNode value) {
    MachineConfigDocument doc =
        new MachineConfigDocument(
            "mc.yaml", "x", Map.of(), Map.of(), Ign.withFiles(), Map.of(field, value));
    assertThatThrownBy(() -> IgnitionDecoder.decode(doc, ManagedPaths.DEFAULT))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        Problem.error(
                            "mc.yaml",
                            "spec." + field,
                            "not supported by ccd (it never changes the OS or reboots)")));
  }

  @Test
  void acceptsEmptyOsSpecFieldsAndEmptySections() {
    var nodes = JsonNodeFactory.instance;
    ObjectNode config = Ign.withFiles(file(REG, "data:,x"));
    config.putObject("systemd").putArray("units");
    config.putObject("passwd");
    MachineConfigDocument doc =
        new MachineConfigDocument(
            "mc.yaml",
            "x",
            Map.of(),
            Map.of(),
            config,
            Map.of(
                "kernelArguments", nodes.arrayNode(),
                "fips", nodes.booleanNode(false),
                "kernelType", nodes.textNode("default"),
                "osImageURL", nodes.textNode("")));
    assertThat(IgnitionDecoder.decode(doc, ManagedPaths.DEFAULT).files()).hasSize(1);
  }

  @Test
  void collectsEveryProblem() {
    ObjectNode config =
        Ign.withFiles(
            file("/etc/passwd", "data:,"),
            file(REG, "https://x/y"),
            f -> {
              file("/etc/containers/policy.json", "data:,").accept(f);
              f.put("mode", 01777);
            });
    config.putObject("systemd").putArray("units").addObject().put("name", "a.service");
    assertThatThrownBy(() -> IgnitionDecoder.decode(Ign.doc(config), ManagedPaths.DEFAULT))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder(
                        "spec.config.systemd.units",
                        F0 + ".path",
                        "spec.config.storage.files[1].contents.source",
                        "spec.config.storage.files[2].mode"));
  }

  @Test
  void warnsWithoutFailing() {
    ObjectNode config =
        Ign.withFiles(
            f -> {
              file(REG, "data:,x").accept(f);
              f.put("overwrite", false);
            },
            file("/etc/containers/registries.conf.d/50-mirrors.toml", "data:,y"),
            file("/etc/containers/registries.d/keys/a.pub", "data:,z"));
    IgnitionDecoder.Decoded decoded = IgnitionDecoder.check(Ign.doc(config), ManagedPaths.DEFAULT);
    assertThat(decoded.files().files()).hasSize(3);
    assertThat(decoded.warnings())
        .extracting(Problem::field, Problem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                F0 + ".overwrite",
                "overwrite: false is ignored; ccd always replaces the file, as the"
                    + " machine-config-daemon"),
            org.assertj.core.groups.Tuple.tuple(
                "spec.config.storage.files[1].path",
                "containers/image reads only *.conf files in /etc/containers/registries.conf.d/;"
                    + " /etc/containers/registries.conf.d/50-mirrors.toml will be written but not"
                    + " read"));
  }

  @Test
  void emptyConfigHasNoFiles() {
    MachineConfigDocument doc =
        MachineConfigDocument.of("00-empty", JsonNodeFactory.instance.objectNode());
    assertThat(IgnitionDecoder.decode(doc, ManagedPaths.DEFAULT))
        .isEqualTo(DesiredFiles.empty("00-empty"));
  }

  @Test
  void refusesGzipBomb() {
    byte[] zeros = new byte[IgnitionDecoder.MAX_FILE_BYTES + 1];
    String source = "data:;base64," + Base64.getEncoder().encodeToString(Ign.gzip(zeros));
    ObjectNode config =
        Ign.withFiles(
            f -> {
              file(REG, source).accept(f);
              ((ObjectNode) f.get("contents")).put("compression", "gzip");
            });
    assertThatThrownBy(() -> IgnitionDecoder.decode(Ign.doc(config), ManagedPaths.DEFAULT))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("decompressed content is larger than the 1 MiB limit for one file");
  }

  @Test
  void allVersions3xAccepted() {
    for (String v : List.of("3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0")) {
      ObjectNode c = Ign.config(v);
      assertThat(IgnitionDecoder.decode(Ign.doc(c), ManagedPaths.DEFAULT).files()).as(v).isEmpty();
    }
  }
}
