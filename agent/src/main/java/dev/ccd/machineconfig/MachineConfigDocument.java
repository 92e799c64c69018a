package dev.ccd.machineconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code machineconfiguration.openshift.io/v1} MachineConfig as ccd sees it: metadata, the
 * Ignition {@code spec.config} kept as the JSON tree it was written as, and the other {@code spec}
 * fields (kernelArguments, extensions, fips, kernelType, osImageURL, …) by name.
 *
 * @param source where the document came from ({@code FILE} or {@code machineconfig/NAME}); used as
 *     the file of every problem reported about it
 */
public record MachineConfigDocument(
    String source,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    ObjectNode config,
    Map<String, JsonNode> otherSpec) {

  public static final String API_VERSION = "machineconfiguration.openshift.io/v1";
  public static final String KIND = "MachineConfig";
  public static final String ROLE_LABEL = "machineconfiguration.openshift.io/role";

  public MachineConfigDocument {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    config = config.deepCopy();
    Map<String, JsonNode> copy = new LinkedHashMap<>();
    otherSpec.forEach((k, v) -> copy.put(k, v.deepCopy()));
    otherSpec = Collections.unmodifiableMap(copy);
  }

  /** A document with only an Ignition config (no labels, no other spec fields). */
  public static MachineConfigDocument of(String name, ObjectNode config) {
    return new MachineConfigDocument(
        "machineconfig/" + name, name, Map.of(), Map.of(), config, Map.of());
  }

  /** A defensive copy: Jackson trees are mutable. */
  @Override
  public ObjectNode config() {
    return config.deepCopy();
  }

  /** The pool this config is labelled for ({@code machineconfiguration.openshift.io/role}). */
  public Optional<String> role() {
    return Optional.ofNullable(labels.get(ROLE_LABEL));
  }

  /** The whole {@code spec} again: {@code config} first, then the other fields in input order. */
  public ObjectNode spec() {
    ObjectNode spec = JsonNodeFactory.instance.objectNode();
    spec.set("config", config.deepCopy());
    otherSpec.forEach((k, v) -> spec.set(k, v.deepCopy()));
    return spec;
  }
}
