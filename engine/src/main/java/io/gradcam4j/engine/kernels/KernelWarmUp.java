package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;

/**
 * Runs every kernel on small shapes so that the JIT compiles them before the first real image.
 * The Vector API is fast only in code the C2 compiler has compiled; before that each vector
 * operation is an object, and Xception's first forward pass in a fresh JVM takes 3.7 s instead
 * of 0.25 s. A command-line run starts this on a background thread while it reads the weights
 * (0.6–0.8 s for Xception's 88 MB, on one core), so the compiling happens on the other core.
 *
 * <p>The shapes cover each code path a model reaches, because C2 compiles only the branches it
 * has seen taken: a branch first taken by the real model sends the kernel back to the
 * interpreter and through both compilers again, in the middle of the first image (Xception's
 * depthwise kernels did this on its 728 channels). So there are 3x3 convolutions with 3 and with
 * many input channels, strides 1 and 2, output channels that fill whole panels and ones that
 * end in a part-vector (36), channel counts that are a multiple of the vector and ones that are
 * not (36), 3x3 stride-1 ones with enough channels for Winograd, 1x1 convolutions, one with a
 * reduction long enough to be cut into blocks (Xception's last layers, VGG19), depthwise convolutions, max pooling, matrix products with many rows and with one (Dense
 * at batch 1), and the input gradients Grad-CAM uses. The spatial sizes are small: until C2 has
 * compiled a kernel, each vector operation is an object, about 10^4 times slower. The reductions
 * are short (tens of rows, except the blocked one): a kernel then reaches C2 by its count of
 * calls, not first through an on-stack replacement of its long loop, which C2 compiles as well.
 */
public final class KernelWarmUp {
    /** Rounds of all shapes at most: C2 has compiled every kernel long before. */
    private static final int ROUNDS = 400;
    private static volatile boolean stopped;

    private KernelWarmUp() {
    }

    /**
     * Starts the warm-up on a daemon thread; it runs until {@link #stop()} or the end of its
     * rounds. Compilations it has triggered go on in the JIT's own threads.
     */
    public static Thread startInBackground() {
        stopped = false;
        Thread t = new Thread(KernelWarmUp::run, "gradcam4j-kernel-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** Ends the warm-up after its current round: the real work starts and needs the cores. */
    public static void stop() {
        stopped = true;
    }

    /** The warm-up on the calling thread, until stopped. */
    public static void run() {
        Kernels k = Kernels.active();
        for (int round = 0; round < ROUNDS && !stopped; round++) {
            round(k);
        }
    }

    /** Every shape once. */
    static void round(Kernels k) {
        conv(k, 9, 3, 32, 2, Padding.VALID);        // a first layer: RGB in, strides 2
        conv(k, 7, 4, 36, 1, Padding.SAME);
        conv(k, 7, 4, 64, 2, Padding.SAME);
        conv(k, 5, 36, 8, 1, Padding.SAME);         // an input gradient with vectors of channels
        conv(k, 6, 32, 40, 1, Padding.SAME);        // Winograd (VGG19's layers), 40 outputs: a part-vector
        pointwise(k, 8, 8, 64);
        depthwise(k, 10, 36, 1, Padding.SAME);
        depthwise(k, 11, 32, 2, Padding.SAME);
        maxPool(k, 9, 36, 3, Padding.SAME);          // Xception's pools; 36 channels end in a part-vector
        maxPool(k, 8, 64, 2, Padding.VALID);         // VGG19's
        dense(k, 8, 64, 36);
        dense(k, 1, 48, 100);
        if (k != ScalarKernels.INSTANCE) {
            pointwise(k, 3, blockedInputChannels(), 64);   // last: by now the tiles it runs are compiled
        }
    }

    /**
     * Input channels of a 1x1 convolution whose weight panel is just over the size at which the
     * vector kernels cut the reduction into blocks: 1040 at 16 lanes (0.6 M multiply-adds per call
     * here), 4112 at 8 (2.4 M). A method, not a constant: reading VectorKernels' fields initializes
     * it, which a JVM without the incubator module cannot do (it runs the scalar kernels).
     */
    private static int blockedInputChannels() {
        return VectorConv.REDUCTION_BLOCK_FLOATS / VectorTiles.NW + 16;
    }

    private static void conv(Kernels k, int size, int cin, int cout, int stride, Padding padding) {
        WindowGeometry g = WindowGeometry.of(new int[] {1, size, size, cin}, 3, 3, stride, stride, 1, 1, padding);
        float[] x = filled(size * size * cin);
        float[] w = filled(9 * cin * cout);
        float[] y = new float[g.outH() * g.outW() * cout];
        k.conv2d(x, w, cout, g, y);
        ConvWeights folded = k.prepareConv(w, new int[] {3, 3, cin, cout});   // as a folded layer runs
        k.conv2dFused(x, folded, g, new Epilogue(new float[cout], 0f, 6f), y);
        k.conv2dInputGrad(y, folded, g, x);
    }

    private static void pointwise(Kernels k, int size, int cin, int cout) {
        WindowGeometry g = WindowGeometry.of(new int[] {1, size, size, cin}, 1, 1, 1, 1, 1, 1, Padding.VALID);
        float[] y = new float[size * size * cout];
        k.conv2d(filled(size * size * cin), filled(cin * cout), cout, g, y);
        ConvWeights folded = k.prepareConv(filled(cin * cout), new int[] {1, 1, cin, cout});
        k.conv2dFused(filled(size * size * cin), folded, g,
                new Epilogue(new float[cout], Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY), y);
    }

    private static void depthwise(Kernels k, int size, int c, int stride, Padding padding) {
        WindowGeometry g = WindowGeometry.of(new int[] {1, size, size, c}, 3, 3, stride, stride, 1, 1, padding);
        float[] x = filled(size * size * c);
        float[] w = filled(9 * c);
        float[] y = new float[g.outH() * g.outW() * c];
        k.depthwiseConv2d(x, w, 1, g, y);
        k.depthwiseConv2dInputGrad(y, w, 1, g, x);
    }

    /** Windows of {@code pool} x {@code pool} cells at stride 2. */
    private static void maxPool(Kernels k, int size, int c, int pool, Padding padding) {
        WindowGeometry g = WindowGeometry.of(new int[] {1, size, size, c}, pool, pool, 2, 2, 1, 1, padding);
        k.maxPool2d(filled(size * size * c), g, new float[g.outH() * g.outW() * c]);
    }

    private static void dense(Kernels k, int rows, int in, int out) {
        float[] x = filled(rows * in);
        float[] w = filled(in * out);
        float[] y = new float[rows * out];
        k.matmul(x, w, y, rows, in, out);
        k.matmulTransB(y, w, x, rows, out, in);
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i % 7 - 3) * 0.01f;
        }
        return a;
    }
}
