package io.gradcam4j.engine.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facade {@link VectorKernels}: its name reports the lanes this JVM chose; and batches: every
 * kernel gives for a batch of images what it gives for each image alone (the batch is folded into
 * the pixel dimension of the tiles, which then span images).
 */
class VectorKernelsTest {
    private final Kernels vector = VectorKernels.INSTANCE;
    private final Random random = new Random(7);

    @Test
    void reportsItsWidth() {
        assertTrue(vector.name().startsWith("vector ("), vector.name());
        assertTrue(vector.name().contains(VectorKernels.lanes() + " lanes"), vector.name());
    }

    private float[] rand(int size) {
        return KernelCases.rand(random, size);
    }

    /**
     * The execution of these tests with -XX:UseAVX=2 (engine/pom.xml) sets gradcam4j.test.maxLanes=8:
     * there the 8-lane code must really be what runs.
     */
    @Test
    void runsAtMostTheLanesThisTestExecutionAskedFor() {
        String max = System.getProperty("gradcam4j.test.maxLanes");
        org.junit.jupiter.api.Assumptions.assumeTrue(max != null, "the default test execution: any width");
        assertTrue(VectorKernels.lanes() <= Integer.parseInt(max), VectorKernels.lanes() + " lanes");
    }

    /** Each kernel on a batch of three against the same kernel on each image alone. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"conv", "fused", "convdx", "convdw", "depthwise",
            "depthwisedx", "matmul"})
    void aBatchGivesWhatEachImageGivesAlone(String kernel) {
        int batch = 3;
        int h = 9;
        int w = 7;
        int c = 40;
        int cout = 48;
        WindowGeometry one = WindowGeometry.of(new int[] {1, h, w, c}, 3, 3, 1, 1, 1, 1, io.gradcam4j.engine.Padding.SAME);
        WindowGeometry all = WindowGeometry.of(new int[] {batch, h, w, c}, 3, 3, 1, 1, 1, 1, io.gradcam4j.engine.Padding.SAME);
        int inSize = h * w * c;
        int outSize = h * w * (kernel.startsWith("depthwise") ? c : cout);
        float[] x = rand(batch * inSize);
        float[] dy = rand(batch * outSize);
        float[] wConv = rand(9 * c * cout);
        float[] wDepthwise = rand(9 * c);
        Epilogue e = new Epilogue(rand(cout), 0f, 6f);
        ConvWeights prepared = vector.prepareConv(wConv, new int[] {3, 3, c, cout});
        if (kernel.equals("convdw")) {
            // the kernel gradient sums over the batch: the batch's is the sum of the images'
            float[] together = new float[wConv.length];
            vector.conv2dKernelGrad(x, dy, cout, all, together);
            float[] apart = new float[wConv.length];
            for (int n = 0; n < batch; n++) {
                vector.conv2dKernelGrad(slice(x, n, inSize), slice(dy, n, outSize), cout, one, apart);
            }
            KernelCases.compare(apart, together, "conv2dKernelGrad of a batch");
            return;
        }
        boolean backward = kernel.endsWith("dx");
        int inPer = backward ? outSize : inSize;
        int outPer = backward ? inSize : outSize;
        float[] in = backward ? dy : x;
        float[] together = new float[batch * outPer];
        run(kernel, in, wConv, prepared, wDepthwise, cout, all, e, together);
        for (int n = 0; n < batch; n++) {
            float[] alone = new float[outPer];
            run(kernel, slice(in, n, inPer), wConv, prepared, wDepthwise, cout, one, e, alone);
            KernelCases.compare(alone, slice(together, n, outPer), kernel + " of image " + n + " in a batch of " + batch);
        }
    }

    private void run(String kernel, float[] in, float[] wConv, ConvWeights prepared, float[] wDepthwise, int cout,
                     WindowGeometry g, Epilogue e, float[] out) {
        switch (kernel) {
            case "conv" -> vector.conv2d(in, wConv, cout, g, out);
            case "fused" -> vector.conv2dFused(in, prepared, g, e, out);
            case "convdx" -> vector.conv2dInputGrad(in, prepared, g, out);
            case "depthwise" -> vector.depthwiseConv2d(in, wDepthwise, 1, g, out);
            case "depthwisedx" -> vector.depthwiseConv2dInputGrad(in, wDepthwise, 1, g, out);
            // a Dense layer on every pixel (a 1x1 convolution as a matrix product): rows are (n, y, x)
            case "matmul" -> vector.matmul(in, wConv, out, in.length / g.channels(), g.channels(), cout);
            default -> throw new IllegalArgumentException(kernel);
        }
    }

    private static float[] slice(float[] a, int n, int size) {
        return java.util.Arrays.copyOfRange(a, n * size, (n + 1) * size);
    }
}
