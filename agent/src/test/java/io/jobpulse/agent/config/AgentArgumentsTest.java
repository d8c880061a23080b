package io.jobpulse.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentArgumentsTest {

  @Test
  void keysWithAndWithoutPrefixNameTheSameSetting() {
    Map<String, String> settings = AgentArguments.parse("heartbeat.interval=2s,jobpulse.enabled=false");
    assertEquals("2s", settings.get("jobpulse.heartbeat.interval"));
    assertEquals("false", settings.get("jobpulse.enabled"));
  }

  @Test
  void commasInsideParenthesesStayInTheValue() {
    Map<String, String> settings = AgentArguments.parse(
        "jobs=com.acme.W#run(id=arg0.id,total=arg1.size);com.acme.V#go(id=arg0),items=com.acme.W#item,collector.endpoint=http://c:4318");
    assertEquals("com.acme.W#run(id=arg0.id,total=arg1.size);com.acme.V#go(id=arg0)", settings.get("jobpulse.jobs"));
    assertEquals("com.acme.W#item", settings.get("jobpulse.items"));
    assertEquals("http://c:4318", settings.get("jobpulse.collector.endpoint"));
  }

  @Test
  void valuesMayContainEqualsSigns() {
    assertEquals("a=b", AgentArguments.parse("ingest.token=a=b").get("jobpulse.ingest.token"));
  }

  @Test
  void entriesWithoutEqualsAreSkippedAndTheRestKept() {
    Map<String, String> settings = AgentArguments.parse("nonsense,,enabled=true");
    assertEquals(1, settings.size());
    assertEquals("true", settings.get("jobpulse.enabled"));
  }

  @Test
  void noArgumentsMeansNoSettings() {
    assertTrue(AgentArguments.parse(null).isEmpty());
    assertTrue(AgentArguments.parse("").isEmpty());
  }
}
