package dev.ccd.crds;

import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** config.openshift.io/v1 ImageTagMirrorSet, cluster-scoped. */
@Group("config.openshift.io")
@Version("v1")
@Kind("ImageTagMirrorSet")
@ShortNames("itms")
public class ImageTagMirrorSetCrd extends CustomResource<ImageTagMirrorSetCrd.Spec, EmptyStatus> {

  @Override
  @Required
  public Spec getSpec() {
    return super.getSpec();
  }

  /** The spec. */
  public static class Spec {
    public List<MirrorRule> imageTagMirrors;
  }
}
