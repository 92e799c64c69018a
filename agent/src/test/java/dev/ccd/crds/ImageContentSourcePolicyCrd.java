package dev.ccd.crds;

import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** operator.openshift.io/v1alpha1 ImageContentSourcePolicy, cluster-scoped (no patterns there). */
@Group("operator.openshift.io")
@Version("v1alpha1")
@Kind("ImageContentSourcePolicy")
@ShortNames("icsp")
public class ImageContentSourcePolicyCrd
    extends CustomResource<ImageContentSourcePolicyCrd.Spec, EmptyStatus> {

  @Override
  @Required
  public Spec getSpec() {
    return super.getSpec();
  }

  /** The spec. */
  public static class Spec {
    public List<RepositoryDigestMirrors> repositoryDigestMirrors;
  }

  /** One source and its mirrors. */
  public static class RepositoryDigestMirrors {
    @Required public String source;
    public List<String> mirrors;
  }
}
