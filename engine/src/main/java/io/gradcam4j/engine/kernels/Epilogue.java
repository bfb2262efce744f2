package io.gradcam4j.engine.kernels;

/**
 * What a fused convolution does to each value as it stores it:
 * {@code y = min(max(sum + shift[channel], min), max)}. The shift is the layer's bias with a
 * folded BatchNormalization; the clamp is linear (-inf, inf), relu (0, inf) or relu6 (0, 6),
 * with the same steps as {@code Relu}, so the result is the one of the separate passes.
 */
public record Epilogue(float[] shift, float min, float max) {
    /** The least work, in floats, worth handing to another thread in {@link #applyTo}. */
    private static final int MIN_CHUNK_FLOATS = 32 * 1024;

    public Epilogue {
        if (!(min <= max)) {
            throw new IllegalArgumentException("epilogue clamp [" + min + ", " + max + "] is empty");
        }
    }

    /** The value stored for sum {@code v} in channel {@code channel}. */
    public float apply(float v, int channel) {
        return Math.min(Math.max(v + shift[channel], min), max);
    }

    /**
     * Applies the epilogue in place to an NHWC array whose channels are the shift's, in parallel
     * over pixels: it is a pass over a whole activation (a depthwise layer's, which has no tiles to
     * apply it in). Outputs under {@link #MIN_CHUNK_FLOATS} floats run on the calling thread.
     */
    public void applyTo(float[] values) {
        int c = shift.length;
        if (c == 0) {
            return;   // no channels, no values
        }
        Parallel.forRange(values.length / c, Math.max(1, MIN_CHUNK_FLOATS / c), (from, to) -> {
            for (int i = from * c; i < to * c; i += c) {
                for (int j = 0; j < c; j++) {
                    values[i + j] = apply(values[i + j], j);
                }
            }
        });
    }
}
