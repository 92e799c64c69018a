package dev.ccd.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Nullable;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** machineconfiguration.openshift.io/v1 MachineConfigPool, cluster-scoped, status subresource. */
@Group("machineconfiguration.openshift.io")
@Version("v1")
@Kind("MachineConfigPool")
@ShortNames("mcp")
@AdditionalPrinterColumn(
    name = "Config",
    jsonPath = ".status.configuration.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Updated",
    jsonPath = ".status.conditions[?(@.type==\"Updated\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription = "When all the machines in the pool are updated to the correct machine config.")
@AdditionalPrinterColumn(
    name = "Updating",
    jsonPath = ".status.conditions[?(@.type==\"Updating\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription =
        "When at least one of machine is not either not updated or is in the process of updating"
            + " to the desired machine config.")
@AdditionalPrinterColumn(
    name = "Degraded",
    jsonPath = ".status.conditions[?(@.type==\"Degraded\")].status",
    type = AdditionalPrinterColumn.Type.STRING,
    getDescription =
        "When progress is blocked on updating one or more nodes or the pool configuration is"
            + " failing.")
@AdditionalPrinterColumn(
    name = "MachineCount",
    jsonPath = ".status.machineCount",
    type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription = "Total number of machines in the machine config pool")
@AdditionalPrinterColumn(
    name = "ReadyMachineCount",
    jsonPath = ".status.readyMachineCount",
    type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription = "Total number of ready machines targeted by the pool")
@AdditionalPrinterColumn(
    name = "UpdatedMachineCount",
    jsonPath = ".status.updatedMachineCount",
    type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription =
        "Total number of machines targeted by the pool that have the CurrentMachineConfig as"
            + " their config")
@AdditionalPrinterColumn(
    name = "DegradedMachineCount",
    jsonPath = ".status.degradedMachineCount",
    type = AdditionalPrinterColumn.Type.NUMBER,
    getDescription = "Total number of machines marked degraded (or unreconcilable)")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MachineConfigPoolCrd
    extends CustomResource<MachineConfigPoolCrd.Spec, MachineConfigPoolCrd.Status> {

  @Override
  @Required
  public Spec getSpec() {
    return super.getSpec();
  }

  /** The spec. */
  public static class Spec {
    public LabelSelector machineConfigSelector;
    public LabelSelector nodeSelector;
    public Boolean paused;
    public IntOrString maxUnavailable;
    public Configuration configuration;
  }

  /** A rendered MachineConfig and the MachineConfigs it was merged from. */
  public static class Configuration {
    public String kind;
    public String namespace;
    public String name;
    public String uid;
    public String apiVersion;
    public String resourceVersion;
    public String fieldPath;
    public List<ObjectReference> source;
  }

  /** One source MachineConfig. */
  public static class ObjectReference {
    public String kind;
    public String namespace;
    public String name;
    public String uid;
    public String apiVersion;
    public String resourceVersion;
    public String fieldPath;
  }

  /** The observed state. */
  public static class Status {
    public Long observedGeneration;
    public Configuration configuration;
    public Integer machineCount;
    public Integer updatedMachineCount;
    public Integer readyMachineCount;
    public Integer unavailableMachineCount;
    public Integer degradedMachineCount;
    public List<Condition> conditions;
    public List<CertExpiry> certExpirys;
  }

  /** A pool condition. */
  public static class Condition {
    public String type;
    public String status;
    @Nullable public String lastTransitionTime;
    public String reason;
    public String message;
  }

  /** A certificate bundle's expiry. */
  public static class CertExpiry {
    @Required public String bundle;
    @Required public String subject;
    public String expiry;
  }
}
