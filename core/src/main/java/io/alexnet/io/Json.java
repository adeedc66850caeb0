package io.alexnet.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A JSON object for {@code --json}, keys in the order put: numbers (NaN and infinities become
 * null, which JSON has no other word for), strings, booleans, nested objects and lists.
 * Anything else is written as its string. {@link JsonText} reads what this writes.
 */
public final class Json {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /**
   * @param key the key
   * @param value its value
   * @return this object
   */
  public Json put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  /** @return the object as one line of JSON */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    write(sb, this);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Json j) {
      sb.append('{');
      String sep = "";
      for (Map.Entry<String, Object> e : j.fields.entrySet()) {
        sb.append(sep);
        string(sb, e.getKey());
        sb.append(':');
        write(sb, e.getValue());
        sep = ",";
      }
      sb.append('}');
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        sb.append(i == 0 ? "" : ",");
        write(sb, list.get(i));
      }
      sb.append(']');
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      sb.append(!Double.isFinite(d) ? "null" : d != 0 && Math.abs(d) < 1e-4 ? Double.toString(d)
          : trim(String.format(Locale.ROOT, "%.6f", d)));
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else {
      string(sb, v.toString());
    }
  }

  /** 0.250000 -> 0.25, 3.000000 -> 3.0: short, and still read as a decimal. */
  private static String trim(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '0' && s.charAt(end - 2) != '.') {
      end--;
    }
    return s.substring(0, end);
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** A list of objects, for a document that holds several measurements. */
  public static List<Json> list() {
    return new ArrayList<>();
  }
}
