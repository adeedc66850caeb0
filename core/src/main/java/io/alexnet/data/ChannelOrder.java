package io.alexnet.data;

import java.util.Locale;

/**
 * The order of the colour channels a network takes: RGB for models trained here, BGR for
 * models trained in Caffe (which read images through OpenCV), such as BVLC's AlexNet.
 */
public enum ChannelOrder {
  RGB,
  BGR;

  public static ChannelOrder parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("channel order is RGB or BGR, not '" + s + "'");
    }
  }
}
