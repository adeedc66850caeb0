package io.alexnet.data;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * TFRecord shards as TensorFlow's ImageNet tooling writes them: tf.train.Example records with
 * {@code image/encoded} (JPEG or PNG bytes) and {@code image/class/label} (int64). That tooling
 * numbers classes from 1 (0 is "background"), hence {@code labelBase}.
 *
 * <p>Opening reads every record header and checks its CRC; a bad header or a truncated record
 * ends that shard and counts as bad. Each record's data CRC is checked when it is read.
 */
public final class TfRecordDataset implements Dataset {
  public static final String IMAGE_KEY = "image/encoded";
  public static final String LABEL_KEY = "image/class/label";

  private record Entry(int file, long offset, int length) {}

  private final String pattern;
  private final List<Path> files;
  private final List<Entry> entries;
  private final List<String> classes;
  private final int labelBase;
  private final int badAtOpen;

  private TfRecordDataset(String pattern, List<Path> files, List<Entry> entries, int classes,
      int labelBase, int badAtOpen) {
    this.pattern = pattern;
    this.files = files;
    this.entries = entries;
    this.classes = IntStream.range(0, classes).mapToObj(String::valueOf).toList();
    this.labelBase = labelBase;
    this.badAtOpen = badAtOpen;
  }

  /** Opens the files matching a glob such as {@code /data/train-*} (or one file). */
  public static TfRecordDataset open(String glob, int classes, int labelBase) throws IOException {
    List<Path> files = expand(glob);
    List<Entry> entries = new ArrayList<>();
    int bad = 0;
    byte[] header = new byte[TfRecords.HEADER];
    for (int f = 0; f < files.size(); f++) {
      try (FileChannel ch = FileChannel.open(files.get(f), StandardOpenOption.READ)) {
        long size = ch.size(), pos = 0;
        while (pos < size) {
          if (read(ch, header, pos) < header.length) {
            bad++; // truncated header
            break;
          }
          long len = TfRecords.length(header);
          long end = pos + TfRecords.HEADER + len + TfRecords.FOOTER;
          if (len < 0 || len > Integer.MAX_VALUE || end > size) {
            bad++; // corrupt header, or the record runs past the end of the file
            break;
          }
          entries.add(new Entry(f, pos + TfRecords.HEADER, (int) len));
          pos = end;
        }
      }
    }
    return new TfRecordDataset(glob, files, entries, classes, labelBase, bad);
  }

  static List<Path> expand(String glob) throws IOException {
    Path direct = Path.of(glob);
    if (Files.isRegularFile(direct)) {
      return List.of(direct);
    }
    Path dir = direct.getParent() == null ? Path.of(".") : direct.getParent();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no such directory for TFRecord files: " + dir);
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + direct.getFileName());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> m.matches(p.getFileName()) && Files.isRegularFile(p)).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files match " + glob);
    }
    return files;
  }

  private static int read(FileChannel ch, byte[] dst, long pos) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(dst);
    while (b.hasRemaining()) {
      int r = ch.read(b, pos + b.position());
      if (r < 0) {
        break;
      }
    }
    return b.position();
  }

  @Override
  public int size() {
    return entries.size();
  }

  @Override
  public List<String> classNames() {
    return classes;
  }

  @Override
  public io.alexnet.data.Example get(int index) throws BadExampleException {
    Entry e = entries.get(index);
    byte[] data = new byte[e.length];
    byte[] crc = new byte[TfRecords.FOOTER];
    Path file = files.get(e.file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (read(ch, data, e.offset) < data.length || read(ch, crc, e.offset + e.length) < 4) {
        throw new BadExampleException(file + ": record " + index + " truncated");
      }
    } catch (IOException ex) {
      throw new BadExampleException(file + ": " + ex.getMessage());
    }
    if (!TfRecords.dataOk(data, crc)) {
      throw new BadExampleException(file + ": record at byte " + e.offset + " fails its CRC");
    }
    Example ex;
    try {
      ex = Example.parseFrom(data);
    } catch (InvalidProtocolBufferException pe) {
      throw new BadExampleException(file + ": not a tf.train.Example: " + pe.getMessage());
    }
    var features = ex.getFeatures().getFeatureMap();
    Feature image = features.get(IMAGE_KEY);
    Feature label = features.get(LABEL_KEY);
    if (image == null || image.getBytesList().getValueCount() != 1
        || label == null || label.getInt64List().getValueCount() != 1) {
      throw new BadExampleException(file + ": record lacks " + IMAGE_KEY + " or " + LABEL_KEY);
    }
    int y = checkLabel(label.getInt64List().getValue(0) - labelBase);
    return new io.alexnet.data.Example(
        RgbImage.decode(image.getBytesList().getValue(0).toByteArray()), y);
  }

  @Override
  public int badAtOpen() {
    return badAtOpen;
  }

  @Override
  public String describe() {
    return "TFRecords " + pattern + ": " + entries.size() + " records in " + files.size()
        + " files" + (badAtOpen > 0 ? ", " + badAtOpen + " corrupt or truncated" : "");
  }
}
