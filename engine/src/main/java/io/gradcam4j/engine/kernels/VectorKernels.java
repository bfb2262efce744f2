package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Workspace;

/**
 * {@link Kernels} on the Vector API ({@code jdk.incubator.vector}), written against
 * {@link jdk.incubator.vector.FloatVector#SPECIES_PREFERRED} ({@link VectorLanes}) so that the same
 * code uses 16 lanes on AVX-512 and 8 on AVX2. Never reference this class directly from code that
 * must run without the module: {@link KernelSelection} loads it by name.
 *
 * <p>This class only routes each call to its kernel family, one class each:
 * <ul>
 *   <li>{@link VectorTiles}: the register tiles every GEMM-shaped kernel is made of, summed over
 *       {@link Segs segments} of the reduction, and {@link VectorPanels}: the packed weight panels they read;</li>
 *   <li>{@link VectorConv}: the forward convolution, over a {@link PaddedInput};</li>
 *   <li>{@link VectorConvGrad}: its input and kernel gradients;</li>
 *   <li>{@link VectorDepthwise}: depthwise convolution and its gradients;</li>
 *   <li>{@link VectorPooling}: max pooling;</li>
 *   <li>{@link VectorMatmul}: matrix products.</li>
 * </ul>
 * Work is split with {@link Parallel#forRange} over tiles of rows (and groups of columns), so no
 * two threads ever write the same element; results are added to the destination, except where
 * {@link Kernels} says a kernel stores them.
 *
 * <p>Results are added as {@code VC.cast(VC.cast(FloatVector.fromArray(c)).add(VC.cast(acc))).intoArray(c)},
 * written out at each place, for two reasons seen on JDK 17's C2: after its loop an accumulator is
 * a phi of the abstract type FloatVector, and an operation on it is intrinsified only if C2 knows
 * its exact class (see {@link VectorLanes#VC}); and a vector passed to a helper method that C2 does
 * not inline (a large method exhausts its inlining budget: NodeCountInliningCutoff) is boxed, per tile.
 */
public final class VectorKernels implements Kernels {
    public static final VectorKernels INSTANCE = new VectorKernels();

    private VectorKernels() {
    }

    /** The vector width this JVM chose, in lanes of float. */
    public static int lanes() {
        return VectorLanes.L;
    }

    @Override
    public String name() {
        String arch = System.getProperty("os.arch", "");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        String width = x86 && VectorLanes.L == 16 ? "AVX-512, 16 lanes" : VectorLanes.L + " lanes";
        return "vector (" + width + "; 3x3 stride 1: Winograd F(2x2,3x3))";
    }

    @Override
    public void conv2d(float[] x, float[] w, int cout, WindowGeometry g, float[] out) {
        VectorConv.conv2d(x, w, cout, g, out);
    }

    /** The kernel packed once as {@link VectorConv#convolve} reads it: panels of {@link VectorTiles#NW} columns, scaled on the way. */
    @Override
    public ConvWeights prepareConv(float[] w, int[] shape, float[] channelScale) {
        ConvWeights.requireKernel(w, shape);
        int cout = shape[3];
        int rows = shape[0] * shape[1] * shape[2];
        if (channelScale != null) {
            ConvWeights.requireScale(channelScale, shape);
        }
        return new ConvWeights(this, VectorPanels.pack(w, rows, cout, cout, VectorTiles.NW, channelScale), shape);
    }

    /**
     * As conv2d, but every output value is stored through the epilogue instead of added. A 3x3
     * convolution with stride 1 runs as Winograd's F(2x2, 3x3) ({@link VectorWinograd}) when it has
     * the channels for it, on the kernel transformed once, on the first such call.
     */
    @Override
    public void conv2dFused(float[] x, ConvWeights w, WindowGeometry g, Epilogue e, float[] out) {
        int cout = w.outChannels();
        if (VectorWinograd.applies(g, cout)) {
            float[] u = w.transformed(this, g, packed -> {
                float[] kernel = VectorPanels.unpack(packed, w.rows(), cout, VectorTiles.NW);
                float[] transformed = VectorWinograd.transformKernel(kernel, g.channels(), cout);
                Workspace.recycle(kernel);
                return transformed;
            });
            VectorWinograd.convolve(x, u, cout, g, e, out);
            return;
        }
        VectorConv.convolve(x, w.data(this, g), cout, g, e, out);
    }

    /**
     * Unpacks the kernel into a temporary for the call instead of keeping an unpacked copy beside
     * the packed one: that copy would double the memory of every folded kernel, while Grad-CAM
     * runs backward only through the few layers after the tapped one. The temporary goes back to
     * the workspace, as the transposed kernel of the input gradient does.
     */
    @Override
    public void conv2dInputGrad(float[] dy, ConvWeights w, WindowGeometry g, float[] dx) {
        int cout = w.outChannels();
        float[] unpacked = VectorPanels.unpack(w.data(this, g), w.rows(), cout, VectorTiles.NW);
        conv2dInputGrad(dy, unpacked, cout, g, dx);
        Workspace.recycle(unpacked);
    }

    @Override
    public void conv2dInputGrad(float[] dy, float[] w, int cout, WindowGeometry g, float[] dx) {
        if (VectorWinograd.applies(g, cout)) {
            // the input gradient of a 3x3 stride-1 convolution is one as well: Winograd too
            VectorWinograd.convolveInputGrad(dy, w, cout, g, dx);
            return;
        }
        VectorConvGrad.conv2dInputGrad(dy, w, cout, g, dx);
    }

    @Override
    public void conv2dKernelGrad(float[] x, float[] dy, int cout, WindowGeometry g, float[] dw) {
        VectorConvGrad.conv2dKernelGrad(x, dy, cout, g, dw);
    }

    @Override
    public void depthwiseConv2d(float[] x, float[] w, int mult, WindowGeometry g, float[] out) {
        VectorDepthwise.depthwiseConv2d(x, w, mult, g, null, out);
    }

    @Override
    public void depthwiseConv2dFused(float[] x, float[] w, int mult, WindowGeometry g, Epilogue e, float[] out) {
        VectorDepthwise.depthwiseConv2d(x, w, mult, g, e, out);
    }

    @Override
    public void depthwiseConv2dInputGrad(float[] dy, float[] w, int mult, WindowGeometry g, float[] dx) {
        VectorDepthwise.depthwiseConv2dInputGrad(dy, w, mult, g, dx);
    }

    @Override
    public void depthwiseConv2dKernelGrad(float[] x, float[] dy, int mult, WindowGeometry g, float[] dw) {
        VectorDepthwise.depthwiseConv2dKernelGrad(x, dy, mult, g, dw);
    }

    @Override
    public void maxPool2d(float[] x, WindowGeometry g, float[] out) {
        VectorPooling.maxPool2d(x, g, out);
    }

    @Override
    public void matmul(float[] a, float[] b, float[] c, int m, int k, int n) {
        VectorMatmul.matmul(a, b, c, m, k, n);
    }

    @Override
    public void matmulTransB(float[] a, float[] b, float[] c, int m, int n, int k) {
        VectorMatmul.matmulTransB(a, b, c, m, n, k);
    }

    @Override
    public void matmulTransA(float[] a, float[] b, float[] c, int m, int k, int n) {
        VectorMatmul.matmulTransA(a, b, c, m, k, n);
    }
}
