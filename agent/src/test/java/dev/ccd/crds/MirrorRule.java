package dev.ccd.crds;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** One entry of {@code imageDigestMirrors} or {@code imageTagMirrors} (config/v1). */
public class MirrorRule {
  @Required
  @Pattern(MirrorPatterns.SOURCE)
  public String source;

  public List<@Pattern(MirrorPatterns.MIRROR) String> mirrors;

  public MirrorSourcePolicy mirrorSourcePolicy;
}
