package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.errors.InvalidRequestException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The metrics' parameters, under one name for every metric that takes it (the CLI's options of
 * the same names). Defaults are those of the implementations followed: torch-cam's 20 steps and
 * zero baseline for deletion and insertion, pytorch-grad-cam's percentiles 10, 20, ..., 90 and
 * noise 0.01 for ROAD.
 */
public final class MetricOptions {
    public static final int DEFAULT_STEPS = 20;
    public static final double[] DEFAULT_PERCENTILES = {10, 20, 30, 40, 50, 60, 70, 80, 90};
    public static final double DEFAULT_ROAD_NOISE = 0.01;

    /** What removed pixels become (deletion, insertion, remove-most, remove-least). */
    public enum Fill {
        /** One value, {@link #fillValue()}, in every channel (default 0, torch-cam's zero baseline). */
        CONSTANT,
        /** Each channel's mean over the image. */
        MEAN,
        /** The image blurred by a Gaussian of sigma max(H, W) / 10 pixels ({@link GaussianBlur}). */
        BLUR;

        /** {@code constant}, {@code mean}, {@code blur}. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** From its name; an unknown name lists the valid ones. */
        public static Fill parse(String name) {
            for (Fill f : values()) {
                if (f.json().equals(name.strip().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new InvalidRequestException("unknown fill '" + name + "'; fills: constant, mean, blur");
        }
    }

    private final Fill fill;
    private final float fillValue;
    private final int steps;
    private final double[] percentiles;
    private final double roadNoise;
    private final long seed;

    private MetricOptions(Builder b) {
        this.fill = b.fill;
        this.fillValue = b.fillValue;
        this.steps = b.steps;
        this.percentiles = b.percentiles.clone();
        this.roadNoise = b.roadNoise;
        this.seed = b.seed;
    }

    public static MetricOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Fill fill() {
        return fill;
    }

    /** The value of {@link Fill#CONSTANT}, a value of the model input. */
    public float fillValue() {
        return fillValue;
    }

    /** Deletion and insertion: at most this many intervals of the curve. */
    public int steps() {
        return steps;
    }

    /** ROAD, remove-most and remove-least: pytorch-grad-cam's percentiles (the share of pixels kept). */
    public double[] percentiles() {
        return percentiles.clone();
    }

    /** ROAD: the standard deviation of the noise added to imputed values, in model-input units. */
    public double roadNoise() {
        return roadNoise;
    }

    /** ROAD: the seed of that noise. */
    public long seed() {
        return seed;
    }

    /** Fills a {@link MetricOptions} field by field; unset fields keep the defaults. */
    public static final class Builder {
        private Fill fill = Fill.CONSTANT;
        private float fillValue = 0f;
        private int steps = DEFAULT_STEPS;
        private double[] percentiles = DEFAULT_PERCENTILES;
        private double roadNoise = DEFAULT_ROAD_NOISE;
        private long seed = 0L;

        private Builder() {
        }

        public Builder fill(Fill v) {
            fill = v != null ? v : Fill.CONSTANT;
            return this;
        }

        public Builder fillValue(float v) {
            if (!Float.isFinite(v)) {
                throw new InvalidRequestException("the fill value must be a finite number, got " + v);
            }
            fillValue = v;
            return this;
        }

        public Builder steps(int v) {
            if (v < 1) {
                throw new InvalidRequestException("steps must be at least 1, got " + v);
            }
            steps = v;
            return this;
        }

        /** Each in (0, 100]; kept in the given order, repeats removed. */
        public Builder percentiles(double... v) {
            if (v.length == 0) {
                throw new InvalidRequestException("give at least one percentile");
            }
            for (double p : v) {
                if (!(p > 0 && p <= 100)) {
                    throw new InvalidRequestException("percentiles must be in (0, 100], got " + p);
                }
            }
            percentiles = Arrays.stream(v).distinct().toArray();
            return this;
        }

        public Builder roadNoise(double v) {
            if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
                throw new InvalidRequestException("the ROAD noise must be a number >= 0, got " + v);
            }
            roadNoise = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public MetricOptions build() {
            return new MetricOptions(this);
        }
    }
}
