package io.gradcam4j.engine.kernels;

/**
 * The hot loops of the engine behind one small facade, as EJML's {@code CommonOps} hides its
 * kernels: ops call {@link #active()} and never know which implementation runs. The scalar
 * implementation is the reference that every faster one must agree with.
 *
 * <p>All arrays are row-major. Images are NHWC; convolution kernels keep Keras's layouts:
 * conv {@code (kh, kw, in, out)}, depthwise {@code (kh, kw, in, multiplier)}. Outputs are
 * accumulated into (added to) the destination array, which callers zero when needed;
 * {@link #conv2dFused}, {@link #depthwiseConv2d}, {@link #depthwiseConv2dInputGrad} and
 * {@link #maxPool2d} store them instead.
 */
public interface Kernels {

    /**
     * The implementation chosen once at start-up: the Vector API kernels when java runs with
     * {@code --add-modules jdk.incubator.vector}, else the scalar ones; the system property
     * {@code gradcam4j.kernels=scalar|vector|auto} overrides (see {@link KernelSelection}).
     */
    static Kernels active() {
        return KernelSelection.ACTIVE;
    }

    /** A name for reports, e.g. {@code scalar}. */
    String name();

    /** out[n,oy,ox,co] += sum over taps and ci of x[n,iy,ix,ci] * w[ky,kx,ci,co]. */
    void conv2d(float[] x, float[] w, int outChannels, WindowGeometry g, float[] out);

    /**
     * The kernel {@code w} of shape (kh, kw, in, out) in the layout this implementation reads
     * fastest, for {@link #conv2dFused} and {@link #conv2dInputGrad(float[], ConvWeights, WindowGeometry, float[])}
     * calls with the same weights. The result may share {@code w} (the scalar kernels use it as
     * it is), so {@code w} must not change while the result is in use.
     */
    default ConvWeights prepareConv(float[] w, int[] shape) {
        return prepareConv(w, shape, null);
    }

    /**
     * As {@link #prepareConv(float[], int[])} with output channel {@code co} of the kernel scaled
     * by {@code channelScale[co]} (a folded BatchNormalization), or unscaled when it is null. The
     * vector kernels scale while they pack, so no scaled copy of the kernel is made on the way.
     */
    ConvWeights prepareConv(float[] w, int[] shape, float[] channelScale);

    /**
     * out[n,oy,ox,co] = e applied to (sum over taps and ci of x * w) in channel co: a convolution with
     * its bias, folded BatchNormalization and relu stored in one pass. {@code out} is overwritten,
     * every element; its previous contents do not matter.
     */
    void conv2dFused(float[] x, ConvWeights w, WindowGeometry g, Epilogue e, float[] out);

    /** dx += gradient of conv2d w.r.t. x for output gradient dy. */
    void conv2dInputGrad(float[] dy, float[] w, int outChannels, WindowGeometry g, float[] dx);

    /** As {@link #conv2dInputGrad(float[], float[], int, WindowGeometry, float[])} with prepared weights. */
    void conv2dInputGrad(float[] dy, ConvWeights w, WindowGeometry g, float[] dx);

    /** dw += gradient of conv2d w.r.t. w. */
    void conv2dKernelGrad(float[] x, float[] dy, int outChannels, WindowGeometry g, float[] dw);

    /**
     * out[n,oy,ox,ci*mult+m] = sum over taps of x[n,iy,ix,ci] * w[ky,kx,ci,m]: every element of
     * {@code out} is overwritten (its previous contents do not matter), as in {@link #conv2dFused}.
     */
    void depthwiseConv2d(float[] x, float[] w, int multiplier, WindowGeometry g, float[] out);

    /**
     * out = e(depthwiseConv2d(x)), a folded layer at inference: bias, folded BatchNormalization and
     * clamp applied to each row of the output while it is still in cache, not in a pass of its own.
     */
    void depthwiseConv2dFused(float[] x, float[] w, int multiplier, WindowGeometry g, Epilogue e, float[] out);

    /** dx = the gradient of depthwiseConv2d w.r.t. x for output gradient dy: every element is overwritten. */
    void depthwiseConv2dInputGrad(float[] dy, float[] w, int multiplier, WindowGeometry g, float[] dx);

    void depthwiseConv2dKernelGrad(float[] x, float[] dy, int multiplier, WindowGeometry g, float[] dw);

    /**
     * out[n,oy,ox,c] = the maximum of x[n,iy,ix,c] over the window's cells inside the image (padded
     * cells never win), NaN when one of them is NaN, as {@link Math#max}. Every element of
     * {@code out} is overwritten. The geometry's {@code channels} are x's.
     */
    void maxPool2d(float[] x, WindowGeometry g, float[] out);

    /** c[m,n] += a[m,k] * b[k,n]. */
    void matmul(float[] a, float[] b, float[] c, int m, int k, int n);

    /** c[m,k] += a[m,n] * b[k,n]^T (the input gradient of a matmul). */
    void matmulTransB(float[] a, float[] b, float[] c, int m, int n, int k);

    /** c[k,n] += a[m,k]^T * b[m,n] (the weight gradient of a matmul). */
    void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n);
}
