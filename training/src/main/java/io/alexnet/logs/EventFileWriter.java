package io.alexnet.logs;

import io.alexnet.data.TfRecords;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Writes TensorBoard event files: TFRecord-framed {@code Event} protos, the first declaring the
 * file version, then scalar summaries. Each write is flushed, so TensorBoard sees it at once and
 * a crash loses nothing already written.
 */
public final class EventFileWriter implements AutoCloseable {
  private final OutputStream out;
  private final Path file;

  public EventFileWriter(Path dir) throws IOException {
    Files.createDirectories(dir);
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    long now = System.currentTimeMillis();
    // TensorBoard picks up files named events.out.tfevents.*; a unique suffix per writer.
    this.file = dir.resolve("events.out.tfevents." + now / 1000 + "." + host + "." + now % 1000
        + ProcessHandle.current().pid());
    this.out = new BufferedOutputStream(Files.newOutputStream(file));
    write(Event.newBuilder().setWallTime(now / 1000.0).setFileVersion("brain.Event:2").build());
  }

  public Path file() {
    return file;
  }

  public void scalar(String tag, long step, double value) throws IOException {
    Summary s = Summary.newBuilder()
        .addValue(Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value)).build();
    write(Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(step)
        .setSummary(s).build());
  }

  private void write(Event e) throws IOException {
    TfRecords.write(out, e.toByteArray());
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
