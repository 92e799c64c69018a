package dev.ccd.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccd.machineconfig.GeneratedRegistries;
import dev.ccd.machineconfig.GeneratedRegistries.Layout;
import dev.ccd.machineconfig.GeneratedRegistries.Rendering;
import dev.ccd.machineconfig.IgnitionEncoder;
import dev.ccd.machineconfig.MachineConfigReader;
import dev.ccd.registries.MirrorSetException;
import dev.ccd.registries.MirrorSets;
import dev.ccd.registries.Problem;
import dev.ccd.registries.RegistriesToml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A pool's {@code 99-<pool>-generated-registries} from the cluster's mirror sets, through the same
 * {@link GeneratedRegistries} path as {@code ccd render --pool P -o machineconfig}, so the bytes
 * are the same for the same objects in the same order. Pure.
 */
public final class RegistriesRender {
  private RegistriesRender() {}

  /**
   * Renders {@code sets} for {@code pool}. Objects are taken in name order within each kind, so the
   * result does not depend on the order a cache lists them in.
   */
  public static GeneratedConfig forPool(
      String pool, MirrorSets sets, Layout layout, Optional<String> releaseImage) {
    MirrorSets ordered =
        MirrorSets.of(
            byName(sets.digestMirrorSets()),
            byName(sets.tagMirrorSets()),
            byName(sets.contentSourcePolicies()),
            sets.imageConfig());
    Rendering rendering;
    String toml;
    try {
      rendering = GeneratedRegistries.render(ordered, pool, layout, releaseImage);
      toml = RegistriesToml.write(rendering.registries(), rendering.headerComments());
    } catch (MirrorSetException e) {
      return new GeneratedConfig.Invalid(
          e.problems().stream().map(Problem::toString).collect(Collectors.joining("; ")));
    } catch (IllegalStateException e) {
      // RegistriesToml refuses rules it cannot write faithfully; its message says which.
      return new GeneratedConfig.Invalid(e.getMessage());
    }
    ObjectNode object = GeneratedRegistries.machineConfig(rendering, toml, pool);
    return new GeneratedConfig.Generated(
        IgnitionEncoder.toYaml(object),
        MachineConfigReader.fromTree(
            object, "machineconfig/" + IgnitionEncoder.generatedName(pool)),
        rendering.warnings());
  }

  private static <T extends HasMetadata> List<T> byName(List<T> objects) {
    return objects.stream()
        .sorted(Comparator.comparing(o -> o.getMetadata() == null ? "" : nameOf(o)))
        .toList();
  }

  private static String nameOf(HasMetadata o) {
    String name = o.getMetadata().getName();
    return name == null ? "" : name;
  }
}
