package io.jobpulse.collector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where a collector setting comes from, highest precedence first: the command-line flag, the
 * {@code JOBPULSE_*} environment variable ({@code http-port} → {@code JOBPULSE_HTTP_PORT}), the
 * YAML file ({@code http-port: 8090}), else the default.
 */
final class SettingSources {

  private final Map<String, String> flags;
  private final Map<String, String> environment;
  private final JsonNode yaml;
  private final String yamlName;

  private SettingSources(Map<String, String> flags, Map<String, String> environment, JsonNode yaml, String yamlName) {
    this.flags = flags;
    this.environment = environment;
    this.yaml = yaml;
    this.yamlName = yamlName;
  }

  /**
   * @param flags the flags given, by setting name ({@code http-port}); absent when not given
   * @param configFile the YAML file, or {@code null} for none
   * @throws IllegalArgumentException when the file cannot be read or is not a YAML mapping
   */
  static SettingSources of(Map<String, String> flags, Map<String, String> environment, Path configFile) {
    JsonNode yaml = null;
    if (configFile != null) {
      try {
        yaml = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(configFile));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the config file " + configFile + ": " + e.getMessage());
      }
      if (yaml != null && !yaml.isObject() && !yaml.isMissingNode()) {
        throw new IllegalArgumentException("the config file " + configFile + " must be a YAML mapping of settings");
      }
    }
    return new SettingSources(flags, environment, yaml, configFile == null ? null : configFile.toString());
  }

  static String environmentName(String setting) {
    return "JOBPULSE_" + setting.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The setting's text, or {@code null} when no source gives it. */
  String text(String setting) {
    String value = flags.get(setting);
    if (value != null) {
      return value;
    }
    value = environment.get(environmentName(setting));
    if (value != null && !value.isBlank()) {
      return value.trim();
    }
    JsonNode node = yaml == null ? null : yaml.get(setting);
    return node == null || node.isNull() ? null : node.asText();
  }

  /**
   * A structured setting (a list or mapping): the {@code JOBPULSE_*} environment variable's text
   * read as YAML (flow style fits one line: {@code [{match: "com.acme..*#run", maxRuntime: 30m}]}),
   * else the YAML file's node; {@code null} when neither gives it.
   *
   * @throws IllegalArgumentException when the environment variable is not YAML
   */
  JsonNode tree(String setting) {
    String value = environment.get(environmentName(setting));
    if (value != null && !value.isBlank()) {
      try {
        return new ObjectMapper(new YAMLFactory()).readTree(value);
      } catch (IOException e) {
        throw new IllegalArgumentException(environmentName(setting) + " is not valid YAML: " + e.getMessage());
      }
    }
    return fileTree(setting);
  }

  /**
   * The YAML file's node for {@code key} alone, never the environment; {@code null} when the file
   * does not give it (or there is no file).
   */
  JsonNode fileTree(String key) {
    JsonNode node = yaml == null ? null : yaml.get(key);
    return node == null || node.isNull() ? null : node;
  }

  /** Where {@code setting} may come from, for error messages. */
  String describe(String setting) {
    return setting + " (flag --" + setting + ", environment " + environmentName(setting)
        + (yamlName == null ? "" : ", or " + yamlName) + ")";
  }

  /**
   * The setting as an integer, or {@code defaultValue}.
   *
   * @throws IllegalArgumentException naming the setting and its source's text when it is not one
   */
  int integer(String setting, int defaultValue) {
    String text = text(setting);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(setting + " must be an integer, got '" + text + "' (flag --" + setting
          + ", environment " + environmentName(setting) + (yamlName == null ? "" : ", or " + yamlName) + ")");
    }
  }
}
