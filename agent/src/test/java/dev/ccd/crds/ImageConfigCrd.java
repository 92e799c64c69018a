package dev.ccd.crds;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** config.openshift.io/v1 Image (the cluster-wide image configuration, {@code cluster}). */
@Group("config.openshift.io")
@Version("v1")
@Kind("Image")
public class ImageConfigCrd extends CustomResource<ImageConfigCrd.Spec, ImageConfigCrd.Status> {

  @Override
  @Required
  public Spec getSpec() {
    return super.getSpec();
  }

  /** The spec. */
  public static class Spec {
    public List<RegistryLocation> allowedRegistriesForImport;
    public List<String> externalRegistryHostnames;
    public ConfigMapNameReference additionalTrustedCA;
    public RegistrySources registrySources;
  }

  /** A registry domain import is allowed from. */
  public static class RegistryLocation {
    public String domainName;
    public Boolean insecure;
  }

  /** A ConfigMap in openshift-config. */
  public static class ConfigMapNameReference {
    @Required public String name;
  }

  /** How the container runtime treats individual registries. */
  @ValidationRule(
      value = "self.blockedRegistries.size() > 0 ? self.allowedRegistries.size() == 0 : true",
      message = "Only one of BlockedRegistries or AllowedRegistries may be set")
  public static class RegistrySources {
    public List<String> insecureRegistries;
    public List<String> blockedRegistries;
    public List<String> allowedRegistries;

    @Size(min = 1)
    public List<String> containerRuntimeSearchRegistries;
  }

  /** Observed values. */
  public static class Status {
    public String internalRegistryHostname;
    public List<String> externalRegistryHostnames;
  }
}
