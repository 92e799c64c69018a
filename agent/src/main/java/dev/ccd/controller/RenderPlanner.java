package dev.ccd.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ccd.machineconfig.MachineConfigDocument;
import dev.ccd.machineconfig.MachineConfigMerge;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a pool renders to: the MachineConfigs its {@code machineConfigSelector} selects, merged by
 * {@link MachineConfigMerge} and named by {@code RenderedName}. Pure.
 */
public final class RenderPlanner {
  /** The machine-config-operator's limit on a rendered config's JSON (1.5 MiB). */
  public static final int MAX_RENDERED_BYTES = 1_572_864;

  static final String RENDERED_PREFIX = "rendered-";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RenderPlanner() {}

  /**
   * {@code configs} with {@code generated} in place of any config of the same name: the cluster's
   * copy of a generated config may be stale, the fresh rendering is what the pool must get.
   */
  public static List<MachineConfigDocument> withGenerated(
      List<MachineConfigDocument> configs, MachineConfigDocument generated) {
    List<MachineConfigDocument> out = new ArrayList<>();
    for (MachineConfigDocument c : configs) {
      if (!c.name().equals(generated.name())) {
        out.add(c);
      }
    }
    out.add(generated);
    return out;
  }

  /**
   * Merges the configs {@code selector} selects for {@code pool}. Rendered configs are never
   * inputs. No selector, or nothing selected, or a result over {@link #MAX_RENDERED_BYTES} fails.
   */
  public static PoolRender render(
      String pool, Optional<LabelSelector> selector, List<MachineConfigDocument> configs) {
    if (selector.isEmpty()) {
      return new PoolRender.Failed("spec.machineConfigSelector is not set, so it selects nothing");
    }
    List<MachineConfigDocument> selected =
        configs.stream()
            .filter(c -> !c.name().startsWith(RENDERED_PREFIX))
            .filter(c -> selector.get().matches(c.labels()))
            .toList();
    if (selected.isEmpty()) {
      return new PoolRender.Failed("no MachineConfigs found matching selector " + selector.get());
    }
    MachineConfigDocument rendered = MachineConfigMerge.render(pool, selected);
    int size = jsonSize(rendered);
    if (size > MAX_RENDERED_BYTES) {
      return new PoolRender.Failed(
          "rendered MachineConfig "
              + rendered.name()
              + " is too large ("
              + size
              + " bytes, at most "
              + MAX_RENDERED_BYTES
              + "): usually very large mirror sets");
    }
    List<String> sources =
        MachineConfigMerge.ordered(selected).stream().map(MachineConfigDocument::name).toList();
    return new PoolRender.Rendered(rendered, sources);
  }

  private static int jsonSize(MachineConfigDocument doc) {
    try {
      return JSON.writeValueAsBytes(doc.spec()).length;
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serialises; reaching this is a bug.
      throw new UncheckedIOException(e);
    }
  }
}
