package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.keras.LayerWeightSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deterministic weights for an architecture, reproducible in any language without a file: for
 * benchmarks when no weights file is at hand, and to compare with the reference generator
 * (tools/reference, which implements the same rule in JavaScript).
 *
 * <p>Rule: seed = FNV-1a 32-bit hash of {@code "<layer>/<weight>"} (UTF-8); one mulberry32 draw
 * {@code u} in [0, 1) per element in C order; kernels {@code (2u-1) * sqrt(6 / fan_in)} with
 * fan_in the product of all dimensions but the last (depthwise: kh*kw); bias, beta, moving_mean
 * and Normalization's mean and count {@code (2u-1) * 0.1}; gamma, moving_variance and
 * Normalization's variance {@code 0.8 + 0.4u}; computed in double, rounded once to float.
 */
public final class SeededWeights implements LayerWeightSource {
    private final Map<String, List<WeightSpec>> specs;

    public SeededWeights(ModelSpec spec) {
        this.specs = spec.weights();
    }

    @Override
    public List<Tensor> weightsOf(String layerName) {
        List<Tensor> out = new ArrayList<>();
        for (WeightSpec w : specs.getOrDefault(layerName, List.of())) {
            out.add(generate(layerName, w));
        }
        return out;
    }

    static Tensor generate(String layer, WeightSpec w) {
        Tensor t = Tensor.zeros(w.shape());
        float[] d = t.data();
        Mulberry32 rng = new Mulberry32(fnv1a(layer + "/" + w.name()));
        int[] s = w.shape();
        double limit = switch (w.name()) {
            case "kernel", "pointwise_kernel" -> Math.sqrt(6.0 / (t.size() / s[s.length - 1]));
            case "depthwise_kernel" -> Math.sqrt(6.0 / (s[0] * s[1]));
            default -> 0;
        };
        for (int i = 0; i < d.length; i++) {
            double u = rng.next();
            double v = switch (w.name()) {
                case "kernel", "pointwise_kernel", "depthwise_kernel" -> (2 * u - 1) * limit;
                case "gamma", "moving_variance", "variance" -> 0.8 + 0.4 * u;
                default -> (2 * u - 1) * 0.1;
            };
            d[i] = (float) v;
        }
        return t;
    }

    /** FNV-1a, 32 bits, over the UTF-8 bytes. */
    public static int fnv1a(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 16777619;
        }
        return h;
    }

    /** The mulberry32 generator, as commonly written in JavaScript. */
    public static final class Mulberry32 {
        private int state;

        public Mulberry32(int seed) {
            this.state = seed;
        }

        /** A double in [0, 1). */
        public double next() {
            state += 0x6D2B79F5;
            int t = state;
            t = (t ^ (t >>> 15)) * (1 | t);
            t = (t + ((t ^ (t >>> 7)) * (61 | t))) ^ t;
            return Integer.toUnsignedLong(t ^ (t >>> 14)) / 4294967296.0;
        }
    }
}
