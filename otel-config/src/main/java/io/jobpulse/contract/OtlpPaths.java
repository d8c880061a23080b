package io.jobpulse.contract;

/** OTLP/HTTP paths (per the OTLP specification). */
public final class OtlpPaths {
  public static final String TRACES = "/v1/traces";

  private OtlpPaths() {}
}
