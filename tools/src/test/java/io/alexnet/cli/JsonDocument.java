package io.alexnet.cli;

import io.alexnet.io.JsonText;
import java.util.Map;

/**
 * Tests that hold {@code --json} to its promise: the whole of stdout is one JSON document,
 * nothing before or after it (read by the strict {@link JsonText}).
 */
final class JsonDocument {
  private JsonDocument() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    Object v;
    try {
      v = JsonText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new AssertionError("stdout is not one JSON document: " + e.getMessage(), e);
    }
    if (!(v instanceof Map)) {
      throw new AssertionError("not a JSON object: " + text);
    }
    return (Map<String, Object>) v;
  }
}
