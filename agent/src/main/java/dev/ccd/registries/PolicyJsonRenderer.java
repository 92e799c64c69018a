package dev.ccd.registries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * policy.json from the Image config's allowed/blocked registries, as the machine-config-operator's
 * {@code updatePolicyJSON} writes it: allowed → default reject and the scopes accepted; blocked →
 * default accept and the scopes rejected; the same scopes for the {@code docker} and {@code atomic}
 * transports ({@code atomic} skips scopes with three or more {@code /}). Output is pretty-printed
 * with sorted keys.
 */
public final class PolicyJsonRenderer {
  /** The policy.json of containers-common, the MCO's template. */
  public static final String DEFAULT_POLICY =
      "{\"default\":[{\"type\":\"insecureAcceptAnything\"}],"
          + "\"transports\":{\"docker-daemon\":{\"\":[{\"type\":\"insecureAcceptAnything\"}]}}}";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final DefaultPrettyPrinter PRETTY =
      new DefaultPrettyPrinter()
          .withSeparators(
              Separators.createDefaultInstance()
                  .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
          .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);

  private PolicyJsonRenderer() {}

  /**
   * The policy.json for {@code input}'s Image config on top of {@link #DEFAULT_POLICY}; empty when
   * it sets neither allowed nor blocked registries (the MCO then writes no policy.json).
   */
  public static Optional<String> render(MirrorSets input) throws MirrorSetException {
    return render(
        input,
        DEFAULT_POLICY,
        MirrorSetRenderer.blockedScopes(input),
        MirrorSetRenderer.allowedScopes(input),
        Optional.empty());
  }

  /**
   * As {@link #render(MirrorSets)} with the blocked and allowed scopes left after the release
   * payload's protection.
   */
  public static Optional<String> render(MirrorSets input, PayloadScopes scopes)
      throws MirrorSetException {
    return render(
        input, DEFAULT_POLICY, scopes.policyBlocked(), scopes.allowed(), scopes.payloadRepo());
  }

  /**
   * As {@link #render(MirrorSets)} with an explicit base policy and lists, and the repository of
   * the release payload: allowed and blocked together are refused unless allowed is exactly that
   * repository (the MCO adds it when it keeps a payload-serving scope blocked).
   */
  public static Optional<String> render(
      MirrorSets input,
      String basePolicy,
      List<String> blocked,
      List<String> allowed,
      Optional<String> payloadRepo)
      throws MirrorSetException {
    String origin = input.imageConfig().map(input::originOf).orElse("Image");
    String key = input.imageConfig().map(MirrorSets::key).orElse("Image");
    if (!allowed.isEmpty() && !blocked.isEmpty()) {
      boolean onlyPayload = allowed.size() == 1 && payloadRepo.equals(Optional.of(allowed.get(0)));
      if (!onlyPayload) {
        throw new MirrorSetException(
            Problem.error(
                origin,
                key + " spec.registrySources",
                "invalid images config: only one of AllowedRegistries or BlockedRegistries may"
                    + " be specified"));
      }
    }
    if (allowed.isEmpty() && blocked.isEmpty()) {
      return Optional.empty();
    }
    List<Problem> problems = new ArrayList<>();
    MirrorSetRenderer.checkScopes(problems, origin, key, "blockedRegistries", "blocked", blocked);
    MirrorSetRenderer.checkScopes(problems, origin, key, "allowedRegistries", "allowed", allowed);
    if (!problems.isEmpty()) {
      throw new MirrorSetException(problems);
    }

    Map<String, Object> policy;
    try {
      policy = JSON.readValue(basePolicy, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new MirrorSetException(
          Problem.error(
              "policy.json", "", "error decoding policy json: " + e.getOriginalMessage()));
    }
    Map<String, Object> scopes = new LinkedHashMap<>();
    if (!allowed.isEmpty()) {
      policy.put("default", List.of(requirement("reject")));
      allowed.forEach(s -> scopes.put(s, List.of(requirement("insecureAcceptAnything"))));
    }
    if (!blocked.isEmpty()) {
      policy.put("default", List.of(requirement("insecureAcceptAnything")));
      blocked.forEach(s -> scopes.put(s, List.of(requirement("reject"))));
    }
    Map<String, Object> transports = transportsOf(policy);
    transports.put("docker", scopes);
    Map<String, Object> atomic = new LinkedHashMap<>();
    // The atomic transport has no scopes with three or more path segments.
    scopes.forEach(
        (scope, req) -> {
          if (scope.chars().filter(c -> c == '/').count() < 3) {
            atomic.put(scope, req);
          }
        });
    transports.put("atomic", atomic);
    try {
      return Optional.of(JSON.writer(PRETTY).writeValueAsString(policy) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings and lists always serialises", e);
    }
  }

  private static Map<String, Object> transportsOf(Map<String, Object> policy) {
    Object existing = policy.get("transports");
    Map<String, Object> transports = new LinkedHashMap<>();
    if (existing instanceof Map<?, ?> m) {
      m.forEach((k, v) -> transports.put(String.valueOf(k), v));
    }
    policy.put("transports", transports);
    return transports;
  }

  private static Map<String, Object> requirement(String type) {
    return Map.of("type", type);
  }
}
