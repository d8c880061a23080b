package io.jobpulse.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract as text (README.md) names every attribute key and span name the code declares. */
class ReadmeContractTest {

  @Test
  void theAttributeTableListsEveryAttributeKey() throws Exception {
    String table = section(readme(), "## Attribute keys");
    List<String> missing = new ArrayList<>();
    for (String key : constants(AttributeKeys.class)) {
      if (!table.contains("| `" + key + "` |")) {
        missing.add(key);
      }
    }
    assertTrue(missing.isEmpty(), "README.md's attribute table lacks " + missing);
  }

  @Test
  void everySpanAndEventNameIsDescribed() throws Exception {
    String readme = readme();
    List<String> missing = new ArrayList<>();
    for (String name : constants(SpanNames.class)) {
      if (!readme.contains("`" + name + "`")) {
        missing.add(name);
      }
    }
    assertTrue(missing.isEmpty(), "README.md never names " + missing);
  }

  private static String readme() throws IOException {
    return Files.readString(Path.of("README.md")); // the module's directory, as Maven runs tests
  }

  private static String section(String text, String heading) {
    int start = text.indexOf(heading);
    assertTrue(start >= 0, "README.md has no '" + heading + "' section");
    int end = text.indexOf("\n## ", start + heading.length());
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }

  private static List<String> constants(Class<?> type) throws IllegalAccessException {
    List<String> values = new ArrayList<>();
    for (Field field : type.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        values.add((String) field.get(null));
      }
    }
    return values;
  }
}
