package dev.ccd.crds;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * machineconfiguration.openshift.io/v1 MachineConfig, cluster-scoped, no status (as openshift/api:
 * the Ignition config is kept whole, unknown fields preserved).
 */
@Group("machineconfiguration.openshift.io")
@Version("v1")
@Kind("MachineConfig")
@ShortNames("mc")
@AdditionalPrinterColumn(
    name = "GeneratedByController",
    jsonPath =
        ".metadata.annotations.machineconfiguration\\.openshift\\.io/generated-by-controller-version",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Version of the controller that generated the machineconfig.")
@AdditionalPrinterColumn(
    name = "IgnitionVersion",
    jsonPath = ".spec.config.ignition.version",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "Version of Ignition that the machineconfig is based on.")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MachineConfigCrd extends CustomResource<MachineConfigCrd.Spec, Void> {

  /** The spec. */
  public static class Spec {
    public String osImageURL;
    public String baseOSExtensionsContainerImage;

    @PreserveUnknownFields @Nullable public JsonNode config;

    @Nullable public List<String> kernelArguments;
    public List<String> extensions;
    public Boolean fips;
    public String kernelType;
  }
}
