package dev.ccd.it.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccd.cli.Main;
import dev.ccd.it.support.AgentKubeconfig;
import dev.ccd.kube.EmbeddedApi;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ccd controller} refuses to start where the machine-config-operator runs (mock API). */
class ControllerCommandIT {
  private EmbeddedApi api;
  private Path kubeconfig;

  @BeforeEach
  void start() throws Exception {
    api = new EmbeddedApi();
    Path dir = Files.createDirectories(Path.of("target", "controller-command-it").toAbsolutePath());
    kubeconfig = AgentKubeconfig.write(dir.resolve("kubeconfig"), api.url());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private int run(StringWriter err) {
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(
        "controller", "--kubeconfig", kubeconfig.toString(), "--metrics-address", "127.0.0.1:0");
  }

  @Test
  void refusesToStartBesideTheOperatorsNamespace() {
    api.client()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("openshift-machine-config-operator")
                .endMetadata()
                .build())
        .create();
    StringWriter err = new StringWriter();

    assertThat(run(err)).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "controller: the machine-config-operator runs in this cluster (namespace"
                + " openshift-machine-config-operator exists); refusing to start, because two"
                + " controllers must never fight over the same node annotations and pool fields");
    assertThat(api.client().leases().inAnyNamespace().list().getItems()).isEmpty();
  }

  @Test
  void refusesToStartBesideTheOperatorsController() {
    api.client()
        .apps()
        .deployments()
        .inNamespace("mco")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("machine-config-controller")
                .withNamespace("mco")
                .endMetadata()
                .build())
        .create();
    StringWriter err = new StringWriter();

    assertThat(run(err)).isEqualTo(2);
    assertThat(err.toString()).contains("(Deployment mco/machine-config-controller exists)");
  }
}
