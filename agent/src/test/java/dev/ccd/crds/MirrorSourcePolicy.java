package dev.ccd.crds;

/** openshift/api's {@code MirrorSourcePolicy} enum. */
enum MirrorSourcePolicy {
  NeverContactSource,
  AllowContactingSource
}
