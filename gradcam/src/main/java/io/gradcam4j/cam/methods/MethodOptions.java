package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.Tensor;

/**
 * The parameters of the methods that take any, under the same name for every method (the CLI's
 * options of the same names). A {@code null} field means "the method's default", which each
 * method states in its class comment and reports in {@link io.gradcam4j.cam.Explanation#parameters()}.
 *
 * @param steps Integrated Gradients' number of Gauss-Legendre points (default 50)
 * @param baseline Integrated Gradients' baseline (default black)
 * @param window occlusion's square window in input pixels (default 16)
 * @param stride occlusion's stride (default 8)
 * @param fill occlusion's fill value, a value of the model input (default 0)
 * @param samples SmoothGrad's noisy samples (default 50) or RISE's masks (default 1000)
 * @param noiseLevel SmoothGrad's noise standard deviation as a fraction of the input's value range (default 0.15)
 * @param seed the seed of SmoothGrad's noise and RISE's masks (default 0)
 * @param noise SmoothGrad's noise itself, (N, H, W, C), instead of drawing it
 * @param masks RISE's masks themselves, (N, H, W), instead of drawing them
 * @param maxChannels Score-CAM: score only this many channels, those of largest variance (Faster Score-CAM)
 * @param cellSize RISE's grid cell in input pixels (default ceil(H / 7))
 * @param batchSize how many perturbed inputs run through the network at once (default 16)
 */
public record MethodOptions(Integer steps, Baseline baseline, Integer window, Integer stride, Float fill,
                            Integer samples, Double noiseLevel, Long seed, Tensor noise, Tensor masks,
                            Integer maxChannels, Integer cellSize, Integer batchSize) {

    /** Integrated Gradients' reference input. */
    public enum Baseline {
        /** The preprocessed image of pixel value 0. */
        BLACK,
        /** The model input 0. */
        ZERO,
        /** The input blurred by a Gaussian of sigma max(H, W) / 10 pixels. */
        BLUR
    }

    public static MethodOptions defaults() {
        return new Builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    int batchSizeOr16() {
        return batchSize != null ? batchSize : 16;
    }

    long seedOr0() {
        return seed != null ? seed : 0L;
    }

    /** Fills a {@link MethodOptions} field by field; unset fields keep the methods' defaults. */
    public static final class Builder {
        private Integer steps;
        private Baseline baseline;
        private Integer window;
        private Integer stride;
        private Float fill;
        private Integer samples;
        private Double noiseLevel;
        private Long seed;
        private Tensor noise;
        private Tensor masks;
        private Integer maxChannels;
        private Integer cellSize;
        private Integer batchSize;

        public Builder steps(Integer v) { steps = positive("steps", v); return this; }
        public Builder baseline(Baseline v) { baseline = v; return this; }
        public Builder window(Integer v) { window = positive("window", v); return this; }
        public Builder stride(Integer v) { stride = positive("stride", v); return this; }
        public Builder fill(Float v) { fill = finite("fill", v); return this; }
        public Builder samples(Integer v) { samples = positive("samples", v); return this; }
        public Builder noiseLevel(Double v) {
            if (v != null && !(v >= 0 && v < Double.POSITIVE_INFINITY)) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException("noise level must be a number >= 0, got " + v);
            }
            noiseLevel = v;
            return this;
        }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder noise(Tensor v) { noise = v; return this; }
        public Builder masks(Tensor v) { masks = v; return this; }
        public Builder maxChannels(Integer v) { maxChannels = positive("max channels", v); return this; }
        public Builder cellSize(Integer v) { cellSize = positive("cell size", v); return this; }
        public Builder batchSize(Integer v) { batchSize = positive("batch size", v); return this; }

        public MethodOptions build() {
            return new MethodOptions(steps, baseline, window, stride, fill, samples, noiseLevel, seed, noise, masks,
                    maxChannels, cellSize, batchSize);
        }

        private static Integer positive(String what, Integer v) {
            if (v != null && v < 1) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException(what + " must be at least 1, got " + v);
            }
            return v;
        }

        private static Float finite(String what, Float v) {
            if (v != null && !Float.isFinite(v)) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException(what + " must be a finite number, got " + v);
            }
            return v;
        }
    }
}
