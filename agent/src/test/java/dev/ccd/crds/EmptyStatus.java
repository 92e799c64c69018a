package dev.ccd.crds;

/** The empty status object openshift/api declares for the mirror sets (a status subresource). */
public class EmptyStatus {}
