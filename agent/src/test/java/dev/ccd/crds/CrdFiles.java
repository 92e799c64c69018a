package dev.ccd.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the CRDs of packaging/crds from the annotated classes of this package with fabric8's
 * crd-generator (v2). Regenerate with {@code mvn -pl agent test -Dtest=CrdFilesTest
 * -Dccd.crds.write=true}.
 */
public final class CrdFiles {
  /** The committed CRDs (also the Helm chart's crds/). */
  public static final Path DIRECTORY = Path.of("../packaging/crds");

  /** The classes, in the order their CRDs are listed. */
  public static final List<Class<? extends HasMetadata>> CLASSES =
      List.of(
          MachineConfigCrd.class,
          MachineConfigPoolCrd.class,
          ImageDigestMirrorSetCrd.class,
          ImageTagMirrorSetCrd.class,
          ImageContentSourcePolicyCrd.class,
          ImageConfigCrd.class);

  private CrdFiles() {}

  /** File name ({@code <plural>.<group>.yaml}) to generated YAML text. */
  public static Map<String, String> generate(Path scratch) {
    new CRDGenerator()
        .inOutputDir(scratch.toFile())
        .forCRDVersions("v1")
        .withParallelGenerationEnabled(false)
        .withPostProcessor(
            new CRDPostProcessor() {
              @Override
              public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                return declaredColumnOrder(crd);
              }
            })
        .customResourceClasses(CLASSES)
        .generate();
    Map<String, String> files = new LinkedHashMap<>();
    for (Class<? extends HasMetadata> type : CLASSES) {
      String name = HasMetadata.getFullResourceName(type);
      try {
        files.put(name + ".yaml", Files.readString(scratch.resolve(name + "-v1.yml")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  /**
   * The generator sorts printer columns by name; kubectl shows them in the CRD's order, so put them
   * back in the order the class declares them (openshift/api's order).
   */
  private static HasMetadata declaredColumnOrder(HasMetadata generated) {
    CustomResourceDefinition crd = (CustomResourceDefinition) generated;
    Class<?> type =
        CLASSES.stream()
            .filter(c -> HasMetadata.getFullResourceName(c).equals(crd.getMetadata().getName()))
            .findFirst()
            .orElseThrow();
    List<String> declared =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
      if (columns != null) {
        columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
      }
    }
    return crd;
  }
}
