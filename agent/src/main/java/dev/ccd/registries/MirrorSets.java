package dev.ccd.registries;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.config.v1.Image;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import io.fabric8.openshift.api.model.config.v1.ImageTagMirrorSet;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the registries rendering reads: the mirror-set objects and the optional cluster {@code
 * Image} config, with the file each object came from ({@code origins}, keyed by {@link #key};
 * objects read from a cluster have none).
 */
public record MirrorSets(
    List<ImageDigestMirrorSet> digestMirrorSets,
    List<ImageTagMirrorSet> tagMirrorSets,
    List<ImageContentSourcePolicy> contentSourcePolicies,
    Optional<Image> imageConfig,
    Map<String, String> origins) {

  public static final MirrorSets EMPTY =
      new MirrorSets(List.of(), List.of(), List.of(), Optional.empty(), Map.of());

  public MirrorSets {
    digestMirrorSets = List.copyOf(digestMirrorSets);
    tagMirrorSets = List.copyOf(tagMirrorSets);
    contentSourcePolicies = List.copyOf(contentSourcePolicies);
    Objects.requireNonNull(imageConfig, "imageConfig");
    origins = Map.copyOf(origins);
  }

  /** Objects from a cluster: no files. */
  public static MirrorSets of(
      List<ImageDigestMirrorSet> digestMirrorSets,
      List<ImageTagMirrorSet> tagMirrorSets,
      List<ImageContentSourcePolicy> contentSourcePolicies,
      Optional<Image> imageConfig) {
    return new MirrorSets(
        digestMirrorSets, tagMirrorSets, contentSourcePolicies, imageConfig, Map.of());
  }

  /** {@code Kind/name}, how problems and generated headers name an object. */
  public static String key(HasMetadata object) {
    String name = object.getMetadata() == null ? null : object.getMetadata().getName();
    return object.getKind() + "/" + (name == null ? "" : name);
  }

  /** The file {@code object} was read from, or its {@link #key} when it has none. */
  public String originOf(HasMetadata object) {
    String key = key(object);
    return origins.getOrDefault(key, key);
  }

  public boolean isEmpty() {
    return digestMirrorSets.isEmpty()
        && tagMirrorSets.isEmpty()
        && contentSourcePolicies.isEmpty()
        && imageConfig.isEmpty();
  }

  /** Every object, in kind order (IDMS, ITMS, ICSP, Image), each kind in input order. */
  public List<HasMetadata> objects() {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(digestMirrorSets);
    all.addAll(tagMirrorSets);
    all.addAll(contentSourcePolicies);
    imageConfig.ifPresent(all::add);
    return all;
  }

  /**
   * All of {@code parts} as one input. Two objects of the same kind and name (a cluster cannot hold
   * both) or two {@code Image} objects are errors naming both files.
   */
  public static MirrorSets combine(List<MirrorSets> parts) throws MirrorSetException {
    List<ImageDigestMirrorSet> idms = new ArrayList<>();
    List<ImageTagMirrorSet> itms = new ArrayList<>();
    List<ImageContentSourcePolicy> icsp = new ArrayList<>();
    Optional<Image> image = Optional.empty();
    Map<String, String> origins = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    for (MirrorSets part : parts) {
      for (HasMetadata object : part.objects()) {
        String key = key(object);
        String origin = part.originOf(object);
        String earlier = origins.putIfAbsent(key, origin);
        if (earlier != null) {
          problems.add(
              Problem.error(origin, key, "defined more than once (also in " + earlier + ")"));
          continue;
        }
        if (object instanceof ImageDigestMirrorSet o) {
          idms.add(o);
        } else if (object instanceof ImageTagMirrorSet o) {
          itms.add(o);
        } else if (object instanceof ImageContentSourcePolicy o) {
          icsp.add(o);
        } else if (object instanceof Image o) {
          if (image.isPresent()) {
            problems.add(
                Problem.error(
                    origin,
                    key,
                    "only one Image config may be given (also "
                        + key(image.get())
                        + " in "
                        + origins.get(key(image.get()))
                        + ")"));
          } else {
            image = Optional.of(o);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new MirrorSetException(problems);
    }
    return new MirrorSets(idms, itms, icsp, image, origins);
  }
}
