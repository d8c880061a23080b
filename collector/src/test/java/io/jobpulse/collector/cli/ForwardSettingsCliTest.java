package io.jobpulse.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.CollectorConfig;
import io.jobpulse.collector.forward.ForwardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s forwarding settings: flags, {@code JOBPULSE_FORWARD_*} and YAML {@code forward:}. */
class ForwardSettingsCliTest {

  @TempDir Path dir;

  @Test
  void forwardingIsOffUnlessAnEndpointIsGiven() {
    assertTrue(resolve(Map.of()).forward().isEmpty());
  }

  @Test
  void theFlagNamesABaseUrlAndTracesGoToItsTracesPath() {
    ForwardConfig forward = resolve(Map.of(), "--forward-endpoint", "http://otel-collector:4318",
        "--forward-header", "x-api-key=k1").forward().orElseThrow();
    assertEquals("http://otel-collector:4318/v1/traces", forward.endpoint().toString());
    assertFalse(forward.heartbeats());
    assertEquals(Map.of("x-api-key", "k1"), forward.headers());
  }

  @Test
  void aUrlWithAPathIsUsedAsGiven() {
    ForwardConfig forward = resolve(Map.of("JOBPULSE_FORWARD_ENDPOINT", "https://otlp.example.test/api/v2/traces",
        "JOBPULSE_FORWARD_HEARTBEATS", "true")).forward().orElseThrow();
    assertEquals("https://otlp.example.test/api/v2/traces", forward.endpoint().toString());
    assertTrue(forward.heartbeats());
  }

  @Test
  void yamlGroupsTheSettingsAndFlagsWin() throws Exception {
    Path yaml = dir.resolve("collector.yaml");
    Files.writeString(yaml, """
        forward:
          endpoint: http://from-yaml:4318
          heartbeats: true
          headers:
            x-tenant: acme
            authorization: Bearer t0k3n
        """);
    ForwardConfig fromYaml = resolve(Map.of(), "--config", yaml.toString()).forward().orElseThrow();
    assertEquals("http://from-yaml:4318/v1/traces", fromYaml.endpoint().toString());
    assertTrue(fromYaml.heartbeats());
    assertEquals(Map.of("x-tenant", "acme", "authorization", "Bearer t0k3n"), fromYaml.headers());

    ForwardConfig overridden = resolve(Map.of("JOBPULSE_FORWARD_HEARTBEATS", "false"), "--config", yaml.toString(),
        "--forward-endpoint", "http://from-flag:4318").forward().orElseThrow();
    assertEquals("http://from-flag:4318/v1/traces", overridden.endpoint().toString());
    assertFalse(overridden.heartbeats());
    assertEquals("acme", overridden.headers().get("x-tenant"));
  }

  @Test
  void badValuesAreClearErrors() {
    String notUrl = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of(), "--forward-endpoint", "otel-collector:4318")).getMessage();
    assertTrue(notUrl.contains("http://") && notUrl.contains("otel-collector:4318"), notUrl);
    String notBool = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of(), "--forward-endpoint", "http://x:4318", "--forward-heartbeats=yes")).getMessage();
    assertTrue(notBool.contains("true or false"), notBool);
    String notMapping = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of("JOBPULSE_FORWARD", "[http://x:4318]"))).getMessage();
    assertTrue(notMapping.contains("must be a mapping"), notMapping);
  }

  private static CollectorConfig resolve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand(env, System.out);
    new CommandLine(serve).parseArgs(args);
    return serve.resolve();
  }
}
