package dev.ccd.registries;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.config.v1.Image;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrorSet;
import io.fabric8.openshift.api.model.config.v1.ImageDigestMirrors;
import io.fabric8.openshift.api.model.config.v1.ImageTagMirrorSet;
import io.fabric8.openshift.api.model.config.v1.ImageTagMirrors;
import io.fabric8.openshift.api.model.config.v1.RegistrySources;
import io.fabric8.openshift.api.model.operator.v1alpha1.ImageContentSourcePolicy;
import io.fabric8.openshift.api.model.operator.v1alpha1.RepositoryDigestMirrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns ImageDigestMirrorSets, ImageTagMirrorSets, ImageContentSourcePolicies and the Image
 * config's insecure/blocked registries into registries.conf entries, the way the
 * machine-config-operator does (openshift/runtime-utils {@code EditRegistriesConfig}, preceded by
 * the MCO's scope and mirror validation).
 */
public final class MirrorSetRenderer {
  /** The template the machine-config-operator starts from when it writes the whole file. */
  public static final RegistriesConf OPENSHIFT_TEMPLATE =
      new RegistriesConf(
          Optional.of(List.of("registry.access.redhat.com", "docker.io")),
          Optional.empty(),
          Optional.empty(),
          Map.of(),
          List.of());

  static final String NEVER_CONTACT_SOURCE = "NeverContactSource";
  static final String ALLOW_CONTACTING_SOURCE = "AllowContactingSource";

  private MirrorSetRenderer() {}

  /**
   * {@code template} with the entries generated from {@code input} (insecure and blocked scopes
   * from its Image config's {@code spec.registrySources}).
   *
   * @throws MirrorSetException with every validation problem, each naming the object (kind/name),
   *     the field and the machine-config-operator's message
   */
  public static RegistriesConf render(MirrorSets input, RegistriesConf template)
      throws MirrorSetException {
    return render(input, template, insecureScopes(input), blockedScopes(input));
  }

  /**
   * As {@link #render(MirrorSets, RegistriesConf)} with explicit insecure and blocked scopes, for
   * callers that filtered the Image config's lists first (e.g. dropped a scope that would block the
   * release payload). The Image config, if any, is still what problems name.
   */
  public static RegistriesConf render(
      MirrorSets input, RegistriesConf template, List<String> insecure, List<String> blocked)
      throws MirrorSetException {
    List<Problem> problems = validate(input, insecure, blocked);
    if (!problems.isEmpty()) {
      throw new MirrorSetException(problems);
    }
    return edit(input, template, insecure, blocked);
  }

  /**
   * As {@link #render(MirrorSets, RegistriesConf)} with the blocked scopes left after the release
   * payload's protection ({@link PayloadScopes#registriesBlocked}).
   */
  public static RegistriesConf render(
      MirrorSets input, RegistriesConf template, PayloadScopes scopes) throws MirrorSetException {
    return render(input, template, insecureScopes(input), scopes.registriesBlocked());
  }

  /** Every problem the machine-config-operator would refuse {@code input} for (empty: fine). */
  public static List<Problem> validate(MirrorSets input) {
    return validate(input, insecureScopes(input), blockedScopes(input));
  }

  static List<String> insecureScopes(MirrorSets input) {
    return registrySources(input).map(rs -> nonNull(rs.getInsecureRegistries())).orElse(List.of());
  }

  static List<String> blockedScopes(MirrorSets input) {
    return registrySources(input).map(rs -> nonNull(rs.getBlockedRegistries())).orElse(List.of());
  }

  static List<String> allowedScopes(MirrorSets input) {
    return registrySources(input).map(rs -> nonNull(rs.getAllowedRegistries())).orElse(List.of());
  }

  private static Optional<RegistrySources> registrySources(MirrorSets input) {
    return input.imageConfig().map(Image::getSpec).map(spec -> spec.getRegistrySources());
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  // ---------------------------------------------------------------- validation

  private static List<Problem> validate(
      MirrorSets input, List<String> insecure, List<String> blocked) {
    List<Problem> problems = new ArrayList<>();
    String imageOrigin = input.imageConfig().map(input::originOf).orElse("Image");
    String imageKey = input.imageConfig().map(MirrorSets::key).orElse("Image");
    checkScopes(problems, imageOrigin, imageKey, "insecureRegistries", "insecure", insecure);
    checkScopes(problems, imageOrigin, imageKey, "blockedRegistries", "blocked", blocked);

    // The MCO checks digest sets first (ICSPs converted and appended after the IDMSs), then tag
    // sets; the first policy seen for a source is the one later sets must agree with.
    Map<String, String> policies = new HashMap<>();
    for (ImageDigestMirrorSet idms : input.digestMirrorSets()) {
      List<ImageDigestMirrors> entries =
          idms.getSpec() == null ? List.of() : nonNull(idms.getSpec().getImageDigestMirrors());
      for (int i = 0; i < entries.size(); i++) {
        ImageDigestMirrors e = entries.get(i);
        checkSet(
            problems,
            policies,
            input,
            idms,
            "spec.imageDigestMirrors[" + i + "]",
            e.getSource(),
            nonNull(e.getMirrors()),
            e.getMirrorSourcePolicy());
      }
    }
    for (ImageContentSourcePolicy icsp : input.contentSourcePolicies()) {
      List<RepositoryDigestMirrors> entries =
          icsp.getSpec() == null ? List.of() : nonNull(icsp.getSpec().getRepositoryDigestMirrors());
      for (int i = 0; i < entries.size(); i++) {
        RepositoryDigestMirrors e = entries.get(i);
        checkSet(
            problems,
            policies,
            input,
            icsp,
            "spec.repositoryDigestMirrors[" + i + "]",
            e.getSource(),
            nonNull(e.getMirrors()),
            null);
      }
    }
    for (ImageTagMirrorSet itms : input.tagMirrorSets()) {
      List<ImageTagMirrors> entries =
          itms.getSpec() == null ? List.of() : nonNull(itms.getSpec().getImageTagMirrors());
      for (int i = 0; i < entries.size(); i++) {
        ImageTagMirrors e = entries.get(i);
        checkSet(
            problems,
            policies,
            input,
            itms,
            "spec.imageTagMirrors[" + i + "]",
            e.getSource(),
            nonNull(e.getMirrors()),
            e.getMirrorSourcePolicy());
      }
    }
    return problems;
  }

  static void checkScopes(
      List<Problem> problems,
      String origin,
      String objectKey,
      String field,
      String adjective,
      List<String> scopes) {
    for (int i = 0; i < scopes.size(); i++) {
      String scope = scopes.get(i) == null ? "" : scopes.get(i);
      if (!MirrorSetScope.isValidScope(scope)) {
        problems.add(
            Problem.error(
                origin,
                objectKey + " spec.registrySources." + field + "[" + i + "]",
                "invalid entry for " + adjective + " registries " + Validator.goQuote(scope)));
      }
    }
  }

  private static void checkSet(
      List<Problem> problems,
      Map<String, String> policies,
      MirrorSets input,
      HasMetadata object,
      String field,
      String rawSource,
      List<String> mirrors,
      String rawPolicy) {
    String origin = input.originOf(object);
    String where = MirrorSets.key(object) + " " + field;
    String source = rawSource == null ? "" : rawSource;
    if (!MirrorSetScope.isValidSource(source)) {
      problems.add(
          Problem.error(
              origin, where + ".source", "invalid format for source " + Validator.goQuote(source)));
      return;
    }
    String policy = rawPolicy == null || rawPolicy.isEmpty() ? ALLOW_CONTACTING_SOURCE : rawPolicy;
    String earlier = policies.putIfAbsent(source, policy);
    if (earlier != null && !earlier.equals(policy)) {
      problems.add(
          Problem.error(
              origin,
              where + ".mirrorSourcePolicy",
              "conflicting mirrorSourcePolicy is set for the same source "
                  + Validator.goQuote(source)
                  + " in imagedigestmirrorsets, imagetagmirrorsets, or"
                  + " imagecontentsourcepolicies"));
      return;
    }
    for (int j = 0; j < mirrors.size(); j++) {
      String mirror = mirrors.get(j) == null ? "" : mirrors.get(j);
      if (!MirrorSetScope.isValidMirror(mirror)) {
        problems.add(
            Problem.error(
                origin,
                where + ".mirrors[" + j + "]",
                "invalid format for mirror " + Validator.goQuote(mirror)));
        return;
      }
      if (policy.equals(NEVER_CONTACT_SOURCE) && mirror.equals(source)) {
        problems.add(
            Problem.error(
                origin,
                where + ".mirrors[" + j + "]",
                "cannot set mirrorSourcePolicy: NeverContactSource if the source "
                    + Validator.goQuote(source)
                    + " is one of the mirrors"));
        return;
      }
    }
  }

  // ---------------------------------------------------------------- rendering

  /** A source with its merged mirrors, and whether the source must never be contacted. */
  private record MergedSet(String source, List<String> mirrors, boolean neverContactSource) {}

  /** Mirror lists per source, in the order of the objects; sources come out sorted. */
  private static final class SetCollector {
    private final Map<String, List<List<String>>> lists = new TreeMap<>();
    private final Map<String, Boolean> neverContact = new HashMap<>();

    void add(String source, String policy, List<String> mirrors) {
      if (mirrors.stream().allMatch(source::equals)) {
        return; // nothing but the source itself is no mirror set; its policy is ignored too
      }
      if (NEVER_CONTACT_SOURCE.equals(policy)) {
        neverContact.put(source, true);
      }
      lists.computeIfAbsent(source, s -> new ArrayList<>()).add(List.copyOf(mirrors));
    }

    List<MergedSet> merged() {
      List<MergedSet> out = new ArrayList<>();
      lists.forEach(
          (source, l) ->
              out.add(
                  new MergedSet(
                      source,
                      MirrorSetOrder.merge(source, l),
                      neverContact.getOrDefault(source, false))));
      return out;
    }
  }

  /** A registry entry being edited. */
  private static final class Entry {
    final String prefix;
    final String location;
    boolean insecure;
    boolean blocked;
    final boolean mirrorByDigestOnly;
    List<Mirror> mirrors;

    Entry(Registry r) {
      prefix = r.prefix();
      location = r.location();
      insecure = r.insecure();
      blocked = r.blocked();
      mirrorByDigestOnly = r.mirrorByDigestOnly();
      mirrors = new ArrayList<>(r.mirrors());
    }

    Entry(String scope) {
      boolean wildcard = scope.startsWith("*.");
      prefix = wildcard ? scope : "";
      location = wildcard ? "" : scope;
      mirrorByDigestOnly = false;
      mirrors = new ArrayList<>();
    }

    String scope() {
      return prefix.isEmpty() ? location : prefix;
    }

    Registry toRecord() {
      return new Registry(prefix, location, insecure, blocked, mirrorByDigestOnly, mirrors);
    }
  }

  private static RegistriesConf edit(
      MirrorSets input, RegistriesConf template, List<String> insecure, List<String> blocked)
      throws MirrorSetException {
    List<Entry> entries = new ArrayList<>();
    template.registries().forEach(r -> entries.add(new Entry(r)));
    Function<String, Entry> entryFor =
        scope -> {
          for (Entry e : entries) {
            if (e.scope().equals(scope)) {
              return e;
            }
          }
          Entry e = new Entry(scope);
          entries.add(e);
          return e;
        };

    SetCollector digest = new SetCollector();
    for (ImageDigestMirrorSet idms : input.digestMirrorSets()) {
      if (idms.getSpec() != null) {
        for (ImageDigestMirrors e : nonNull(idms.getSpec().getImageDigestMirrors())) {
          digest.add(e.getSource(), e.getMirrorSourcePolicy(), nonNull(e.getMirrors()));
        }
      }
    }
    for (ImageContentSourcePolicy icsp : input.contentSourcePolicies()) {
      if (icsp.getSpec() != null) {
        for (RepositoryDigestMirrors e : nonNull(icsp.getSpec().getRepositoryDigestMirrors())) {
          digest.add(e.getSource(), null, nonNull(e.getMirrors()));
        }
      }
    }
    SetCollector tag = new SetCollector();
    for (ImageTagMirrorSet itms : input.tagMirrorSets()) {
      if (itms.getSpec() != null) {
        for (ImageTagMirrors e : nonNull(itms.getSpec().getImageTagMirrors())) {
          tag.add(e.getSource(), e.getMirrorSourcePolicy(), nonNull(e.getMirrors()));
        }
      }
    }
    List<MergedSet> digestSets = digest.merged();
    List<MergedSet> tagSets = tag.merged();
    addMirrors(entryFor, digestSets, PullFromMirror.DIGEST_ONLY);
    addMirrors(entryFor, tagSets, PullFromMirror.TAG_ONLY);

    // Blocked entries exist before the insecure pass, so that a blocked scope nested in an
    // insecure one gets both flags.
    blocked.forEach(entryFor::apply);
    for (String scope : insecure) {
      entryFor.apply(scope).insecure = true;
      for (Entry e : entries) {
        if (MirrorSetScope.isNested(e.scope(), scope)) {
          e.insecure = true;
        }
        e.mirrors.replaceAll(
            m ->
                MirrorSetScope.isNested(m.location(), scope)
                    ? new Mirror(m.location(), true, m.pullFromMirror())
                    : m);
      }
    }
    for (String scope : blocked) {
      entryFor.apply(scope).blocked = true;
      for (Entry e : entries) {
        if (MirrorSetScope.isNested(e.scope(), scope)) {
          e.blocked = true;
        }
      }
    }

    // Only the most precise entry applies to a reference, so an entry nested in a mirrored source
    // (an insecure or blocked namespace, say) would lose the mirrors: give it the source's mirrors
    // with its extra path appended, unless it has mirrors of its own.
    List<MergedSet> all = new ArrayList<>(digestSets);
    all.addAll(tagSets);
    for (MergedSet set : all) {
      Entry mirrored = entryFor.apply(set.source());
      String outer = mirrored.scope();
      for (Entry e : entries) {
        String scope = e.scope();
        if (scope.equals(outer) || !MirrorSetScope.isNested(scope, outer) || !e.mirrors.isEmpty()) {
          continue;
        }
        if (outer.startsWith("*.")) {
          // runtime-utils refuses this as an internal error, so the MCO renders nothing.
          HasMetadata definer = definerOf(input, set.source());
          throw new MirrorSetException(
              Problem.error(
                  input.originOf(definer),
                  MirrorSets.key(definer) + " source " + set.source(),
                  "cannot copy the mirrors of the wildcard source "
                      + Validator.goQuote(outer)
                      + " to the nested scope "
                      + Validator.goQuote(scope)
                      + " (the machine-config-operator fails here too)"));
        }
        String extra = scope.substring(outer.length());
        List<Mirror> copied = new ArrayList<>();
        for (Mirror m : mirrored.mirrors) {
          copied.add(new Mirror(m.location() + extra, m.insecure(), m.pullFromMirror()));
        }
        e.mirrors = copied;
      }
    }

    return new RegistriesConf(
        template.unqualifiedSearchRegistries(),
        template.shortNameMode(),
        template.credentialHelpers(),
        template.aliases(),
        entries.stream().map(Entry::toRecord).toList());
  }

  /** The first object with a mirror set for {@code source} (one exists: the set came from it). */
  private static HasMetadata definerOf(MirrorSets input, String source) {
    for (ImageDigestMirrorSet o : input.digestMirrorSets()) {
      if (o.getSpec() != null
          && nonNull(o.getSpec().getImageDigestMirrors()).stream()
              .anyMatch(e -> source.equals(e.getSource()))) {
        return o;
      }
    }
    for (ImageContentSourcePolicy o : input.contentSourcePolicies()) {
      if (o.getSpec() != null
          && nonNull(o.getSpec().getRepositoryDigestMirrors()).stream()
              .anyMatch(e -> source.equals(e.getSource()))) {
        return o;
      }
    }
    return input.tagMirrorSets().stream()
        .filter(
            o ->
                o.getSpec() != null
                    && nonNull(o.getSpec().getImageTagMirrors()).stream()
                        .anyMatch(e -> source.equals(e.getSource())))
        .findFirst()
        .orElseThrow();
  }

  private static void addMirrors(
      Function<String, Entry> entryFor, List<MergedSet> sets, PullFromMirror pull) {
    for (MergedSet set : sets) {
      Entry e = entryFor.apply(set.source());
      if (set.neverContactSource()) {
        e.blocked = true;
      }
      for (String m : set.mirrors()) {
        e.mirrors.add(new Mirror(m, false, pull));
      }
    }
  }
}
