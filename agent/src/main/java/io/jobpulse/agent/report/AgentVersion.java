package io.jobpulse.agent.report;

/** The agent's version, from its jar's manifest. */
final class AgentVersion {

  static String get() {
    String version = AgentVersion.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  private AgentVersion() {}
}
