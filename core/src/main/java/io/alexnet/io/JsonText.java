package io.alexnet.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of one JSON document (RFC 8259): objects become maps (keys in order), arrays
 * lists, numbers doubles, and anything else, text after the document included, is an
 * IllegalArgumentException saying where. Small documents only: a cluster's TF_CONFIG, a
 * command's --json output.
 */
public final class JsonText {
  /** Deeper is not a document this program reads; refusing it keeps the stack small. */
  private static final int MAX_DEPTH = 64;

  private final String s;
  private int i;
  private int depth;

  private JsonText(String s) {
    this.s = s;
  }

  /**
   * The document's value.
   *
   * @param text one JSON document
   * @return a map, list, string, double, boolean or null
   * @throws IllegalArgumentException saying what and where, if {@code text} is not one
   */
  public static Object parse(String text) {
    JsonText p = new JsonText(text);
    p.space();
    Object v = p.value();
    p.space();
    if (p.i != text.length()) {
      throw p.error("text after the document");
    }
    return v;
  }

  private Object value() {
    if (i >= s.length()) {
      throw error("document ends early");
    }
    char c = s.charAt(i);
    if ((c == '{' || c == '[') && ++depth > MAX_DEPTH) {
      throw error("nested more than " + MAX_DEPTH + " deep");
    }
    switch (c) {
      case '{' -> {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek('}')) {
          depth--;
          return m;
        }
        do {
          space();
          String k = string();
          space();
          expect(':');
          space();
          m.put(k, value());
          space();
        } while (peek(','));
        expect('}');
        depth--;
        return m;
      }
      case '[' -> {
        i++;
        List<Object> l = new ArrayList<>();
        space();
        if (peek(']')) {
          depth--;
          return l;
        }
        do {
          space();
          l.add(value());
          space();
        } while (peek(','));
        expect(']');
        depth--;
        return l;
      }
      case '"' -> {
        return string();
      }
      default -> {
        for (String word : new String[] {"true", "false", "null"}) {
          if (s.startsWith(word, i)) {
            i += word.length();
            return word.equals("null") ? null : Boolean.valueOf(word);
          }
        }
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
          i++;
        }
        String num = s.substring(start, i);
        if (!num.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
          throw error("not a JSON value");
        }
        return Double.parseDouble(num);
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (i < s.length() && s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c == '\\') {
        if (i >= s.length()) {
          throw error("document ends in an escape");
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            if (i + 4 > s.length() || !s.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) {
              throw error("bad \\u escape");
            }
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> throw error("bad escape");
        }
      } else {
        sb.append(c);
      }
    }
    expect('"');
    return sb.toString();
  }

  private boolean peek(char c) {
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
  }

  private void space() {
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at character " + i + " of: "
        + (s.length() > 200 ? s.substring(0, 200) + "..." : s));
  }
}
