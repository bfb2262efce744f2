package io.gradcam4j.engine.kernels;

/**
 * A convolution kernel {@code (kh, kw, in, out)} made ready once by {@link Kernels#prepareConv},
 * for a layer that runs many times with the same weights (a folded layer at inference). Its
 * layout belongs to the implementation that made it: the vector kernels copy the kernel into the
 * column panels their register tiles stream through (which they would otherwise do on every
 * call), the scalar kernels keep the array as it is. Only that implementation can read it.
 */
public final class ConvWeights {
    private final Kernels madeBy;
    private final float[] data;
    private final int rows;
    private final int outChannels;
    /** A second layout of the same kernel, made on first need by {@link #transformed}; null until then. */
    private volatile float[] transformed;

    /** A kernel of shape (kh, kw, in, out), as {@code data} in {@code madeBy}'s layout. */
    ConvWeights(Kernels madeBy, float[] data, int[] shape) {
        this.madeBy = madeBy;
        this.data = data;
        this.rows = shape[0] * shape[1] * shape[2];
        this.outChannels = shape[3];
    }

    /**
     * Refuses a kernel array that is not of shape (kh, kw, in, out): prepared weights are read
     * without bounds on each tap, so a wrong size would fail deep inside a pool task, or not at all.
     */
    static void requireKernel(float[] w, int[] shape) {
        String s = java.util.Arrays.toString(shape);
        if (shape.length != 4) {
            throw new IllegalArgumentException("a convolution kernel has 4 dimensions (kh, kw, in, out), not " + s);
        }
        long size = (long) shape[0] * shape[1] * shape[2] * shape[3];
        if (size != w.length) {
            throw new IllegalArgumentException("a convolution kernel of shape " + s + " holds " + size
                    + " values, not " + w.length);
        }
    }

    /** Refuses a per-channel scale that does not have one value per output channel of {@code shape}. */
    static void requireScale(float[] channelScale, int[] shape) {
        if (channelScale.length != shape[3]) {
            throw new IllegalArgumentException("a kernel of shape " + java.util.Arrays.toString(shape)
                    + " has " + shape[3] + " output channels, but " + channelScale.length + " scales were given");
        }
    }

    public int outChannels() {
        return outChannels;
    }

    /** kh * kw * in: the kernel's rows as a matrix with one column per output channel. */
    int rows() {
        return rows;
    }

    /**
     * The array, for the implementation that made it and a window with as many taps times input
     * channels as the kernel has rows: anything else would read a layout it does not know.
     */
    float[] data(Kernels reader, WindowGeometry g) {
        if (reader != madeBy) {
            throw new IllegalArgumentException("convolution weights prepared by the " + madeBy.name()
                    + " kernels cannot be read by the " + reader.name() + " kernels");
        }
        if (g.kh() * g.kw() * g.channels() != rows) {
            throw new IllegalArgumentException("convolution weights of " + rows + " rows do not fit a " + g.kh() + "x"
                    + g.kw() + " window over " + g.channels() + " channels");
        }
        return data;
    }

    /**
     * A second layout of the kernel that the implementation derives from its own ({@code data}) on
     * first need and keeps, e.g. the Winograd transform of a 3x3 kernel that is only wanted when the
     * layer turns out to run with stride 1: made once, by the first caller, and then shared.
     */
    float[] transformed(Kernels reader, WindowGeometry g, java.util.function.UnaryOperator<float[]> transform) {
        float[] t = transformed;
        if (t == null) {
            synchronized (this) {
                t = transformed;
                if (t == null) {
                    t = transform.apply(data(reader, g));
                    transformed = t;
                }
            }
        }
        return t;
    }
}
