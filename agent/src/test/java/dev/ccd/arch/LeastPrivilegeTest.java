package dev.ccd.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent runs as root on every node: it never starts a process (no {@code systemctl}, no shell),
 * so nothing it reads can become a command line. systemd is reached over D-Bus, files through
 * system calls.
 */
class LeastPrivilegeTest {
  static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ccd");
  }

  @Test
  void nothingInTheProductSpawnsOrSignalsProcesses() {
    noClasses()
        .that()
        .resideInAPackage("dev.ccd..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ProcessBuilder.class.getName())
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(Process.class.getName())
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ProcessHandle.class.getName())
        .orShould()
        .callMethodWhere(
            DescribedPredicate.describe(
                "Runtime.exec",
                (JavaCall<?> call) ->
                    call.getTargetOwner().isEquivalentTo(Runtime.class)
                        && call.getName().equals("exec")))
        .because("a node agent that runs as root must not be a way to run commands")
        .check(production);
  }
}
