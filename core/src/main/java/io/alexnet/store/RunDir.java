package io.alexnet.store;

import io.alexnet.data.ChannelOrder;
import io.alexnet.data.DataStats;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.LrnSettings;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Variant;
import io.alexnet.graph.WeightInit;
import io.alexnet.io.AtomicFiles;
import io.alexnet.io.PropertiesFile;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A training run's folder: what is needed to rebuild the model and its pre-processing later
 * (resume, evaluation, export), next to the checkpoints and reports.
 *
 * <pre>
 *   run.properties    model and pre-processing settings
 *   labels.txt        class names, one per line, line i = class id i
 *   data-stats.bin    mean image and colour PCA of the training set
 *   checkpoints/      ckpt-STEP/, best/, checkpoint
 *   steps.csv, epochs.csv, training.png, events.out.tfevents.*
 * </pre>
 */
public record RunDir(Path dir) {
  public static final String PROPERTIES = "run.properties";
  public static final String LABELS = "labels.txt";
  public static final String STATS = "data-stats.bin";
  public static final String CHECKPOINTS = "checkpoints";
  /** run.properties key: the precision the run trains in (float32 or mixed). */
  public static final String PRECISION = "session.precision";
  /** run.properties key: what that precision computes in on the run's machine. */
  public static final String ARITHMETIC = "session.arithmetic";

  public Path checkpoints() {
    return dir.resolve(CHECKPOINTS);
  }

  public Path stats() {
    return dir.resolve(STATS);
  }

  public boolean exists() {
    return Files.exists(dir.resolve(PROPERTIES));
  }

  /**
   * Starts a new run from scratch: the mean image and colour PCA of (up to {@code statsImages}
   * of) the training images, the input scale (1, or the pixels' standard deviation's inverse
   * with {@code unitVariance}), then the settings, class names and statistics written. Returns
   * the statistics and the scale.
   */
  public Start start(ModelConfig m, Dataset trainImages, boolean unitVariance, int statsImages,
      String data, List<String> classes) throws IOException {
    DataStats stats = DataStats.compute(trainImages, new Preprocessor(m.imageSize(), null),
        statsImages);
    float scale = unitVariance ? (float) (1 / stats.pixelStd()) : 1f;
    write(m, scale, data, classes);
    stats.save(stats());
    return new Start(stats, scale);
  }

  /** A new run's training statistics and input scale. */
  public record Start(DataStats stats, float scale) {
    /** The run's pre-processing for the model's input size. */
    public Preprocessor preprocessor(int imageSize) {
      return new Preprocessor(imageSize, stats.mean(), scale);
    }
  }

  /** Writes the settings and the class names of a model that takes RGB. */
  public void write(ModelConfig m, float inputScale, String data, List<String> classes)
      throws IOException {
    write(m, inputScale, ChannelOrder.RGB, data, classes);
  }

  /** Writes the settings and the class names. */
  public void write(ModelConfig m, float inputScale, ChannelOrder order, String data,
      List<String> classes) throws IOException {
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.setProperty("model.variant", m.variant().label());
    p.setProperty("model.classes", Integer.toString(m.classes()));
    p.setProperty("model.image_size", Integer.toString(m.imageSize()));
    p.setProperty("model.width", Double.toString(m.width()));
    p.setProperty("model.init", m.init().name().toLowerCase());
    p.setProperty("model.hidden_bias", Double.toString(m.hiddenBias()));
    p.setProperty("model.seed", Long.toString(m.seed()));
    p.setProperty("model.devices", m.devices().towerA() + "," + m.devices().towerB());
    p.setProperty("model.lrn.depth_radius", Long.toString(m.lrn().depthRadius()));
    p.setProperty("model.lrn.bias", Float.toString(m.lrn().bias()));
    p.setProperty("model.lrn.alpha", Float.toString(m.lrn().alpha()));
    p.setProperty("model.lrn.beta", Float.toString(m.lrn().beta()));
    p.setProperty("model.lrn.across_towers", Boolean.toString(m.lrn().acrossTowers()));
    p.setProperty("input.scale", Float.toString(inputScale));
    p.setProperty("input.channel_order", order.name());
    p.setProperty("data", data);
    PropertiesFile.write(dir.resolve(PROPERTIES), p);
    AtomicFiles.writeFile(dir.resolve(LABELS), tmp -> Files.write(tmp, classes));
  }

  /** Adds {@code extra} to run.properties (where a run came from, say), keeping the rest. */
  public void annotate(Map<String, String> extra) throws IOException {
    Properties p = properties();
    if (extra.entrySet().stream().allMatch(e -> e.getValue().equals(p.getProperty(e.getKey())))) {
      return; // already so: nothing to write
    }
    extra.forEach(p::setProperty);
    PropertiesFile.write(dir.resolve(PROPERTIES), p);
  }

  public Properties properties() throws IOException {
    return file().values();
  }

  private PropertiesFile file() throws IOException {
    Path f = dir.resolve(PROPERTIES);
    if (!Files.exists(f)) {
      throw new IllegalArgumentException(dir + " is not a training run (no " + PROPERTIES + ")");
    }
    return PropertiesFile.read(f);
  }

  /** The model as it was trained. */
  public ModelConfig model() throws IOException {
    PropertiesFile p = file();
    String[] dev = p.text("model.devices", ",").split(",", -1);
    ModelConfig.Builder b = ModelConfig.builder()
        .variant(p.parsed("model.variant", null, Variant::parse))
        .classes(p.integer("model.classes"))
        .imageSize(p.integer("model.image_size"))
        .width(p.decimal("model.width"))
        .init(p.parsed("model.init", null, WeightInit::parse))
        .hiddenBias(p.decimal("model.hidden_bias"))
        .seed(p.longInteger("model.seed"))
        .devices(new DevicePlan(dev[0], dev.length > 1 ? dev[1] : dev[0]));
    try {
      return b.lrn(lrn(p)).build();
    } catch (IllegalArgumentException e) {
      throw new IOException(p.file() + " describes a model that cannot be built: "
          + e.getMessage());
    }
  }

  /** The LRN constants; runs written before they were recorded used the paper's. */
  private static LrnSettings lrn(PropertiesFile p) throws IOException {
    LrnSettings d = LrnSettings.PAPER;
    return new LrnSettings(
        p.longInteger("model.lrn.depth_radius", d.depthRadius()),
        (float) p.decimal("model.lrn.bias", d.bias()),
        (float) p.decimal("model.lrn.alpha", d.alpha()),
        (float) p.decimal("model.lrn.beta", d.beta()),
        Boolean.parseBoolean(p.text("model.lrn.across_towers", "false")));
  }

  /**
   * The precision the run last trained in; empty for runs that predate the setting (they
   * trained in float32) and for imported models.
   */
  public Optional<Precision> precision() throws IOException {
    PropertiesFile p = file();
    return p.has(PRECISION) ? Optional.of(p.parsed(PRECISION, null, Precision::parse))
        : Optional.empty();
  }

  /** Records the precision the run trains in from now on. */
  public void recordPrecision(Arithmetic a) throws IOException {
    annotate(Map.of(PRECISION, a.precision().label(),
        ARITHMETIC, a.name().toLowerCase(Locale.ROOT)));
  }

  public ChannelOrder channelOrder() throws IOException {
    return file().parsed("input.channel_order", "RGB", ChannelOrder::parse);
  }

  public float inputScale() throws IOException {
    return (float) file().decimal("input.scale", 1);
  }

  /**
   * The class names, one per class of the model: a labels.txt that disagrees with
   * run.properties (edited, or copied from another run) is refused, as every reader of the run
   * gets it.
   */
  public List<String> labels() throws IOException {
    List<String> names = Files.readAllLines(dir.resolve(LABELS));
    int classes = model().classes();
    if (names.size() != classes) {
      throw new IOException(dir.resolve(LABELS) + " has " + names.size() + " names, but "
          + PROPERTIES + " says the model has " + classes + " classes (model.classes): one name"
          + " per class, line i for class i");
    }
    return names;
  }

  /** The evaluation pre-processing of this run (mean image, input scale, channel order). */
  public Preprocessor preprocessor() throws IOException {
    DataStats stats = DataStats.load(stats());
    return new Preprocessor(model().imageSize(), stats.mean(), inputScale(), channelOrder());
  }
}
