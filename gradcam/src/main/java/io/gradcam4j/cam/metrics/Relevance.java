package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Overlay;

import java.util.Arrays;

/**
 * A map as every metric reads it: its normalised values (what is drawn: the CAM family's
 * {@code M / max M}, Captum's clipped magnitude for input-space methods) upsampled to the input's
 * H x W by {@link Overlay#upsample} (bilinear, half-pixel centres, as torch-cam's and
 * pytorch-grad-cam's resizing of a CAM), in [0, 1], and the pixels ranked most relevant first.
 * Equal values keep their row-major order (torch-cam's stable descending {@code argsort}), so a
 * ranking never depends on a sort's whims. The negative part of a signed map counts as 0.
 *
 * <p>A map that shows nothing (status not drawable) or whose upsampled values are all equal has
 * no ranking: {@link UndefinedMetricException} {@code no-map} or {@code flat-map}.
 */
final class Relevance {
    private final int height;
    private final int width;
    private final float[] values;
    private final int[] ranking;

    private Relevance(int height, int width, float[] values) {
        this.height = height;
        this.width = width;
        this.values = values;
        this.ranking = mostRelevantFirst(values);
    }

    static Relevance of(ClassMap map, int height, int width) {
        if (!map.status().drawable()) {
            throw new UndefinedMetricException("no-map", "the map of class " + map.classIndex() + " is "
                    + map.status().json() + ": it ranks no pixel");
        }
        float[] up = Overlay.upsample(map.normalized(), width, height);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : up) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max > min)) {
            throw new UndefinedMetricException("flat-map", "the map of class " + map.classIndex()
                    + " is equal everywhere (" + max + "): it ranks no pixel above another");
        }
        return new Relevance(height, width, up);
    }

    /** Pixel indices by decreasing value, equal values by increasing index. */
    private static int[] mostRelevantFirst(float[] values) {
        // Values are in [0, 1], where float bits grow with the value: one sort of packed
        // (inverted bits, index) keys orders by value descending, then by index.
        long[] keys = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            long inverted = Integer.MAX_VALUE - Float.floatToIntBits(values[i]);
            keys[i] = (inverted << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    int pixels() {
        return values.length;
    }

    /** The value of pixel {@code p} (row-major), in [0, 1]. */
    float value(int p) {
        return values[p];
    }

    /** A copy of all values, row-major. */
    float[] values() {
        return values.clone();
    }

    /** The {@code rank}-th most relevant pixel (0 is the most relevant). */
    int pixelAt(int rank) {
        return ranking[rank];
    }
}
