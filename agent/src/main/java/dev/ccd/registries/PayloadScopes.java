package dev.ccd.registries;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Image config's blocked and allowed scopes after the machine-config-operator's protection of
 * the release payload ({@code getValidBlockedAndAllowedRegistries}): a blocked scope that contains
 * the payload's repository would stop the cluster from pulling its own release, so it is dropped
 * (with a warning; the other scopes still apply) unless a digest mirror that is not itself blocked
 * serves the payload. In that case the scope stays blocked in registries.conf, the payload
 * repository is allowed in policy.json, and the scope is rejected there only when it is not the
 * payload repository itself. Pure.
 *
 * @param registriesBlocked scopes that get {@code blocked = true} in registries.conf
 * @param policyBlocked scopes that policy.json rejects
 * @param allowed scopes that policy.json accepts (the payload's first, then the Image config's)
 * @param payloadRepo the release payload's repository, when a release image was given
 * @param warnings what was dropped, and why
 */
public record PayloadScopes(
    List<String> registriesBlocked,
    List<String> policyBlocked,
    List<String> allowed,
    Optional<String> payloadRepo,
    List<Problem> warnings) {

  public PayloadScopes {
    registriesBlocked = List.copyOf(registriesBlocked);
    policyBlocked = List.copyOf(policyBlocked);
    allowed = List.copyOf(allowed);
    warnings = List.copyOf(warnings);
  }

  /**
   * The scopes for {@code input}; without a release image, the Image config's lists as they are.
   *
   * @throws MirrorSetException when the release image is not a valid reference, or the mirror sets
   *     themselves are invalid
   */
  public static PayloadScopes of(MirrorSets input, Optional<String> releaseImage)
      throws MirrorSetException {
    List<String> blocked = MirrorSetRenderer.blockedScopes(input);
    List<String> allowedByConfig = MirrorSetRenderer.allowedScopes(input);
    if (releaseImage.isEmpty()) {
      return new PayloadScopes(blocked, blocked, allowedByConfig, Optional.empty(), List.of());
    }
    List<Problem> invalid =
        MirrorSetRenderer.validate(input).stream().filter(Problem::isError).toList();
    if (!invalid.isEmpty()) {
      throw new MirrorSetException(invalid);
    }
    String payloadRepo = repositoryOf(releaseImage.get());
    // Whether the payload is served does not depend on the scope: decide it once, if it matters.
    boolean blocksPayload =
        blocked.stream().anyMatch(scope -> MirrorSetScope.isNested(payloadRepo, scope));
    boolean servedByMirror =
        blocksPayload && hasUnblockedDigestMirror(input, releaseImage.get(), blocked);
    List<String> registriesBlocked = new ArrayList<>();
    List<String> policyBlocked = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String scope : blocked) {
      if (!MirrorSetScope.isNested(payloadRepo, scope)) {
        registriesBlocked.add(scope);
        policyBlocked.add(scope);
        continue;
      }
      if (!servedByMirror) {
        refused.add(scope);
        continue;
      }
      registriesBlocked.add(scope);
      if (!scope.equals(payloadRepo)) {
        policyBlocked.add(scope);
      }
      allowed.add(payloadRepo);
    }
    allowed.addAll(allowedByConfig);
    List<Problem> warnings = new ArrayList<>();
    if (!refused.isEmpty()) {
      String origin = input.imageConfig().map(input::originOf).orElse("Image");
      String key = input.imageConfig().map(MirrorSets::key).orElse("Image");
      warnings.add(
          Problem.warning(
              origin,
              key + " spec.registrySources.blockedRegistries",
              "error adding "
                  + refused.stream()
                      .map(Validator::goQuote)
                      .collect(Collectors.joining(" ", "[", "]"))
                  + " to blocked registries, cannot block the repository being used by the"
                  + " payload"));
    }
    return new PayloadScopes(
        registriesBlocked, policyBlocked, allowed, Optional.of(payloadRepo), warnings);
  }

  /** The release image's repository (normalised, no tag or digest). */
  private static String repositoryOf(String releaseImage) throws MirrorSetException {
    try {
      return ImageReference.parseNormalized(releaseImage).name();
    } catch (ImageReference.InvalidReferenceException e) {
      throw new MirrorSetException(
          Problem.error(
              "--release-image",
              "",
              "error parsing reference "
                  + Validator.goQuote(releaseImage)
                  + ": "
                  + e.getMessage()));
    }
  }

  /**
   * Whether a pull of the release image would have a source outside every blocked scope, judged on
   * the registries.conf rendered from the digest mirror sets (IDMS and ICSP; the payload is only
   * ever pulled by digest) with all blocked scopes applied.
   */
  private static boolean hasUnblockedDigestMirror(
      MirrorSets input, String releaseImage, List<String> blocked) throws MirrorSetException {
    MirrorSets digestOnly =
        new MirrorSets(
            input.digestMirrorSets(),
            List.of(),
            input.contentSourcePolicies(),
            input.imageConfig(),
            input.origins());
    RegistriesConf conf =
        MirrorSetRenderer.render(
            digestOnly, RegistriesConf.EMPTY, MirrorSetRenderer.insecureScopes(input), blocked);
    EffectiveConfig config =
        DropIns.merge(
            Optional.of(new ConfFile("payload-check.conf", RegistriesToml.write(conf, List.of()))),
            List.of());
    PullSources.Explanation explanation = PullSources.explain(config, releaseImage);
    for (PullSources.Source source : explanation.sources()) {
      String name = ImageReference.parseNormalized(source.reference()).name();
      if (blocked.stream().noneMatch(scope -> MirrorSetScope.isNested(name, scope))) {
        return true;
      }
    }
    return false;
  }
}
