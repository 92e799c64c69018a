package dev.ccd.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Holds the package layering of docs/architecture.md: inner packages never reach outwards. */
class LayeringTest {
  static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ccd");
  }

  @Test
  void layersOnlyUseInnerLayers() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("registries")
        .definedBy("dev.ccd.registries..")
        .layer("machineconfig")
        .definedBy("dev.ccd.machineconfig..")
        .layer("plan")
        .definedBy("dev.ccd.plan..")
        .layer("host")
        .definedBy("dev.ccd.host..")
        .layer("kube")
        .definedBy("dev.ccd.kube..")
        .layer("observe")
        .definedBy("dev.ccd.observe..")
        .layer("agent")
        .definedBy("dev.ccd.agent..")
        .layer("controller")
        .definedBy("dev.ccd.controller..")
        .layer("cli")
        .definedBy("dev.ccd.cli..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("controller")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("agent")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("observe")
        .mayOnlyBeAccessedByLayers("agent", "controller", "cli")
        .whereLayer("host")
        .mayOnlyBeAccessedByLayers("agent", "controller", "cli")
        .whereLayer("kube")
        .mayOnlyBeAccessedByLayers("agent", "controller", "cli", "observe")
        .whereLayer("plan")
        .mayOnlyBeAccessedByLayers("agent", "controller", "cli", "host", "kube", "observe")
        .whereLayer("machineconfig")
        .mayOnlyBeAccessedByLayers("plan", "agent", "controller", "cli", "host", "kube", "observe")
        .whereLayer("registries")
        .mayOnlyBeAccessedByLayers(
            "machineconfig", "plan", "agent", "controller", "cli", "host", "kube", "observe")
        .check(production);
  }

  @Test
  void innerPackagesDoNoIoAndKeepNoClock() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.ccd.registries..", "dev.ccd.machineconfig..", "dev.ccd.plan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client..", "org.freedesktop..", "jnr..", "java.nio.channels..")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.lang.Thread")
        .because("decisions are pure functions; clocks, threads and I/O live at the edges")
        .check(production);
  }

  @Test
  void controllerUsesPortsNotAdaptersOrCommands() {
    noClasses()
        .that()
        .resideInAPackage("dev.ccd.controller..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.ccd.cli..",
            "dev.ccd.agent..",
            "dev.ccd.host..",
            "io.fabric8.kubernetes.client..",
            "org.freedesktop..",
            "jnr..",
            "java.nio.channels..")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .because(
            "the controller decides over records and reaches the cluster only through kube's"
                + " ports (design.md); time comes in as a value or an injected Clock")
        .check(production);
  }

  @Test
  void noClassIsNamedLikeAGrabBag() {
    noClasses()
        .should()
        .haveSimpleNameEndingWith("Impl")
        .orShould()
        .haveSimpleNameEndingWith("Utils")
        .orShould()
        .haveSimpleNameEndingWith("Manager")
        .orShould()
        .haveSimpleNameEndingWith("Helper")
        .check(production);
  }

  @Test
  void onlyCliTouchesPicocli() {
    classes()
        .that()
        .resideOutsideOfPackage("dev.ccd.cli..")
        .should()
        .onlyDependOnClassesThat()
        .resideOutsideOfPackage("picocli..")
        .check(production);
  }
}
