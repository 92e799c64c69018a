package dev.ccd.registries;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSetBuilder;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrors;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorsBuilder;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicy;
import io.fabric8.openshift.api.model.operator.v1alpha1.RepositoryDigestMirrors;
import java.util.ArrayList;
import java.util.List;

/**
 * ImageContentSourcePolicy → ImageDigestMirrorSet, as {@code oc adm migrate icsp} converts: one
 * IDMS per ICSP with the same name, labels and annotations, {@code imageDigestMirrors} from {@code
 * repositoryDigestMirrors}, no {@code mirrorSourcePolicy} (an ICSP always allows the source).
 */
public final class IcspMigration {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .serializationInclusion(JsonInclude.Include.NON_EMPTY)
          .build();

  private IcspMigration() {}

  /**
   * The IDMS equivalent of {@code icsp}. Server-set metadata (uid, resourceVersion …) is not kept.
   */
  public static ImageDigestMirrorSet toDigestMirrorSet(ImageContentSourcePolicy icsp) {
    ObjectMeta from = icsp.getMetadata() == null ? new ObjectMeta() : icsp.getMetadata();
    List<ImageDigestMirrors> mirrors = new ArrayList<>();
    if (icsp.getSpec() != null && icsp.getSpec().getRepositoryDigestMirrors() != null) {
      for (RepositoryDigestMirrors r : icsp.getSpec().getRepositoryDigestMirrors()) {
        mirrors.add(
            new ImageDigestMirrorsBuilder()
                .withSource(r.getSource())
                .withMirrors(r.getMirrors() == null ? List.of() : List.copyOf(r.getMirrors()))
                .build());
      }
    }
    return new ImageDigestMirrorSetBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(from.getName())
                .withLabels(from.getLabels())
                .withAnnotations(from.getAnnotations())
                .build())
        .withNewSpec()
        .withImageDigestMirrors(mirrors)
        .endSpec()
        .build();
  }

  /**
   * {@code imagedigestmirrorset_<name>.yaml}. oc adds a random number before {@code .yaml}; we keep
   * the name stable so that running the migration twice gives the same files.
   */
  public static String fileName(ImageDigestMirrorSet idms) {
    return "imagedigestmirrorset_" + idms.getMetadata().getName() + ".yaml";
  }

  /** The object as YAML, without empty fields or status. */
  public static String toYaml(ImageDigestMirrorSet idms) {
    ImageDigestMirrorSet copy = new ImageDigestMirrorSetBuilder(idms).withStatus(null).build();
    try {
      return YAML.writeValueAsString(copy);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a fabric8 model object always serialises", e);
    }
  }
}
