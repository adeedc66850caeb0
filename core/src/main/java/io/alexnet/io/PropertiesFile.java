package io.alexnet.io;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A properties file this program wrote (run.properties, a checkpoint's state, an evaluation
 * shard), read back with typed getters. Whatever is wrong with it, a missing key, a value that
 * is not a number, bytes that are not text, comes back as one IOException naming the file and
 * the key, not as a NumberFormatException from deep inside.
 */
public final class PropertiesFile {
  /** Larger is not a file this program wrote; reading it would only fill the heap. */
  static final long MAX_BYTES = 16 << 20;

  private final Path file;
  private final Properties values;

  private PropertiesFile(Path file, Properties values) {
    this.file = file;
    this.values = values;
  }

  /** Writes {@code p} to {@code file} atomically: a reader sees the old file or the new one. */
  public static void write(Path file, Properties p) throws IOException {
    AtomicFiles.writeFile(file, tmp -> {
      try (java.io.Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "alexnet");
      }
    });
  }

  public static PropertiesFile read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " does not exist (or is not a file)");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(file + " is " + Files.size(file) + " bytes, too large for a"
          + " properties file this program wrote");
    }
    Properties p = new Properties();
    try (Reader r = new java.io.InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT))) {
      p.load(r);
    } catch (CharacterCodingException e) {
      throw new IOException(file + " is not a UTF-8 text file (corrupt?)");
    } catch (IllegalArgumentException e) {
      // Properties.load's own complaint: a malformed \\uXXXX escape.
      throw new IOException(file + " is corrupt: " + e.getMessage());
    }
    return new PropertiesFile(file, p);
  }

  public Path file() {
    return file;
  }

  /** All the values, for callers that hand them on. */
  public Properties values() {
    return values;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public String text(String key) throws IOException {
    String v = values.getProperty(key);
    if (v == null) {
      throw new IOException(file + " lacks '" + key + "' (not written by this program, or"
          + " damaged)");
    }
    return v;
  }

  public String text(String key, String fallback) {
    return values.getProperty(key, fallback);
  }

  public int integer(String key) throws IOException {
    long v = longInteger(key);
    if (v != (int) v) {
      throw bad(key, "a whole number that fits 32 bits");
    }
    return (int) v;
  }

  public int integer(String key, int fallback) throws IOException {
    return has(key) ? integer(key) : fallback;
  }

  public long longInteger(String key) throws IOException {
    return number(key, "a whole number", Long::parseLong);
  }

  public long longInteger(String key, long fallback) throws IOException {
    return has(key) ? longInteger(key) : fallback;
  }

  public double decimal(String key) throws IOException {
    return number(key, "a number", Double::parseDouble);
  }

  public double decimal(String key, double fallback) throws IOException {
    return has(key) ? decimal(key) : fallback;
  }

  /** A value that must be one of a fixed set of names (a variant, a channel order). */
  public <T> T parsed(String key, String fallback, java.util.function.Function<String, T> parse)
      throws IOException {
    String v = fallback == null ? text(key) : text(key, fallback);
    try {
      return parse.apply(v);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": '" + key + "' is '" + abbreviate(v) + "': "
          + e.getMessage());
    }
  }

  private <T> T number(String key, String what, java.util.function.Function<String, T> parse)
      throws IOException {
    try {
      return parse.apply(text(key).trim());
    } catch (NumberFormatException e) {
      throw bad(key, what);
    }
  }

  private IOException bad(String key, String what) {
    return new IOException(file + ": '" + key + "' is '" + abbreviate(values.getProperty(key))
        + "', not " + what);
  }

  private static String abbreviate(String v) {
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }
}
