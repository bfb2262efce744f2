package io.gradcam4j.engine.kernels;

import io.gradcam4j.engine.Padding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static io.gradcam4j.engine.kernels.KernelCases.compareWithin;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link VectorWinograd} against the scalar direct convolution ({@link ScalarKernels}, the reference)
 * and against sums in double precision (called directly, also on outputs too small for the
 * kernels to choose it): odd and even output sizes (a last tile half outside),
 * same and valid padding, batches (tiles of several images in one block), channel counts that are
 * not multiples of the lanes or of the panel width, and more tiles than one block holds.
 */
class VectorWinogradTest {
    private final Random random = new Random(11);

    static Stream<Arguments> geometries() {
        return Stream.of(
                // batch, h, w, cin, cout, padding
                Arguments.of(1, 8, 8, 32, 32, Padding.SAME),
                Arguments.of(1, 7, 9, 33, 40, Padding.SAME),        // odd sizes, channel tails
                Arguments.of(2, 5, 6, 64, 70, Padding.SAME),        // batch 2, a partial panel
                Arguments.of(3, 6, 5, 40, 130, Padding.VALID),      // valid: 4x3 outputs
                Arguments.of(1, 3, 3, 48, 32, Padding.VALID),       // a single output pixel
                Arguments.of(1, 1, 1, 32, 32, Padding.SAME),        // one pixel, all taps but one in the padding
                Arguments.of(1, 30, 29, 32, 64, Padding.SAME),      // many blocks, a partial last block
                Arguments.of(2, 14, 14, 128, 96, Padding.SAME),     // smaller blocks for more channels
                Arguments.of(1, 9, 10, 512, 64, Padding.SAME),      // the fewest tiles per block
                Arguments.of(1, 16, 15, 512, 200, Padding.SAME),    // in phases (and its input gradient)
                Arguments.of(2, 28, 26, 512, 200, Padding.SAME));   // in two runs of the phases
    }

    @ParameterizedTest(name = "n{0} {1}x{2}x{3} -> {4} {5}")
    @MethodSource("geometries")
    void agreesWithTheScalarDirectConvolution(int batch, int h, int w, int cin, int cout, Padding padding) {
        WindowGeometry g = WindowGeometry.of(new int[] {batch, h, w, cin}, 3, 3, 1, 1, 1, 1, padding);
        float[] x = rand(batch * h * w * cin);
        float[] kernel = rand(9 * cin * cout);
        int[] shape = {3, 3, cin, cout};
        Epilogue e = new Epilogue(rand(cout), -0.5f, 6f);
        float[] expected = new float[batch * g.outH() * g.outW() * cout];
        ScalarKernels.INSTANCE.conv2dFused(x, ScalarKernels.INSTANCE.prepareConv(kernel, shape), g, e, expected);
        float[] out = new float[expected.length];
        java.util.Arrays.fill(out, Float.NaN);     // every output is written
        VectorWinograd.convolve(x, VectorWinograd.transformKernel(kernel, cin, cout), cout, g, e, out);
        // the difference allowed is relative to the largest sum, before the clamp hides it
        float[] sums = new float[expected.length];
        ScalarKernels.INSTANCE.conv2d(x, kernel, cout, g, sums);
        double allowed = KernelCases.TOLERANCE * Math.max(1, KernelCases.largest(sums));
        compareWithin(expected, out, allowed, "Winograd");
        // and through the facade, with weights prepared (and scaled) as a folded layer does
        float[] scale = rand(cout);
        float[] scaled = kernel.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= scale[i % cout];
        }
        ScalarKernels.INSTANCE.conv2dFused(x, ScalarKernels.INSTANCE.prepareConv(scaled, shape), g, e, expected);
        ConvWeights prepared = VectorKernels.INSTANCE.prepareConv(kernel, shape, scale);
        for (int call = 0; call < 2; call++) {     // the second call reuses the transformed kernel
            java.util.Arrays.fill(out, Float.NaN);
            VectorKernels.INSTANCE.conv2dFused(x, prepared, g, e, out);
            compareWithin(expected, out, allowed * KernelCases.largest(scale), "Winograd through VectorKernels, call " + call);
        }
    }

    /**
     * The input gradient, a 3x3 stride-1 convolution of dy with the kernel turned round and
     * transposed, through Winograd, against the scalar gather form; added to a prefilled dx.
     */
    @ParameterizedTest(name = "n{0} {1}x{2}x{3} -> {4} {5}")
    @MethodSource("geometries")
    void inputGradientAgreesWithTheScalarOne(int batch, int h, int w, int cin, int cout, Padding padding) {
        WindowGeometry g = WindowGeometry.of(new int[] {batch, h, w, cin}, 3, 3, 1, 1, 1, 1, padding);
        float[] dy = rand(batch * g.outH() * g.outW() * cout);
        float[] kernel = rand(9 * cin * cout);
        float[] dx = rand(batch * h * w * cin);
        float[] expected = dx.clone();
        ScalarKernels.INSTANCE.conv2dInputGrad(dy, kernel, cout, g, expected);
        VectorWinograd.convolveInputGrad(dy, kernel, cout, g, dx);
        KernelCases.compare(expected, dx, "Winograd input gradient");
    }

    /**
     * The error of F(2x2, 3x3) in float against the exact sum (in double), beside that of direct
     * convolution in float, on a VGG-sized reduction (256 input channels): Winograd's transforms add
     * a few roundings, not digits. Both must stay far inside the 1e-4 bar of the whole-model tests.
     */
    @Test
    void errorAgainstDoublePrecisionStaysAtTheLevelOfDirectConvolution() {
        int h = 12;
        int w = 12;
        int cin = 256;
        int cout = 64;
        WindowGeometry g = WindowGeometry.of(new int[] {1, h, w, cin}, 3, 3, 1, 1, 1, 1, Padding.SAME);
        float[] x = rand(h * w * cin);
        float[] kernel = rand(9 * cin * cout);
        Epilogue linear = new Epilogue(new float[cout], Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        double[] exact = new double[h * w * cout];
        double largest = 0;
        for (int oy = 0; oy < h; oy++) {
            for (int ox = 0; ox < w; ox++) {
                for (int co = 0; co < cout; co++) {
                    double s = 0;
                    for (int ky = 0; ky < 3; ky++) {
                        for (int kx = 0; kx < 3; kx++) {
                            int iy = oy + ky - 1;
                            int ix = ox + kx - 1;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            for (int ci = 0; ci < cin; ci++) {
                                s += (double) x[(iy * w + ix) * cin + ci] * kernel[((ky * 3 + kx) * cin + ci) * cout + co];
                            }
                        }
                    }
                    exact[(oy * w + ox) * cout + co] = s;
                    largest = Math.max(largest, Math.abs(s));
                }
            }
        }
        float[] winograd = new float[exact.length];
        VectorWinograd.convolve(x, VectorWinograd.transformKernel(kernel, cin, cout), cout, g, linear, winograd);
        float[] direct = new float[exact.length];
        VectorConv.convolve(x, VectorPanels.pack(kernel, 9 * cin, cout, cout, VectorTiles.NW), cout, g, linear, direct);
        double winogradError = maxError(exact, winograd) / largest;
        double directError = maxError(exact, direct) / largest;
        System.out.printf("F(2x2,3x3) max error relative to the largest output, 12x12x256 -> 64: Winograd %.2e, direct %.2e%n",
                winogradError, directError);
        assertTrue(winogradError < 1e-5, "Winograd relative error " + winogradError);
        assertTrue(winogradError < 8 * Math.max(directError, 1e-7),
                "Winograd relative error " + winogradError + " against direct " + directError);
    }

    @Test
    void appliesOnlyToThreeByThreeStrideOneWithEnoughChannelsAndTiles() {
        assertTrue(VectorWinograd.applies(geometry(3, 1, 1, 64), 64));
        assertFalse(VectorWinograd.applies(geometry(3, 2, 1, 64), 64), "stride 2");
        assertFalse(VectorWinograd.applies(geometry(3, 1, 2, 64), 64), "dilation 2");
        assertFalse(VectorWinograd.applies(geometry(1, 1, 1, 64), 64), "1x1");
        assertFalse(VectorWinograd.applies(geometry(3, 1, 1, 3), 64), "an RGB stem");
        assertFalse(VectorWinograd.applies(geometry(3, 1, 1, 64), 16), "16 output channels");
        WindowGeometry small = WindowGeometry.of(new int[] {1, 8, 8, 64}, 3, 3, 1, 1, 1, 1, Padding.SAME);
        assertFalse(VectorWinograd.applies(small, 64), "8x8: 16 tiles");
        WindowGeometry batchOfSmall = WindowGeometry.of(new int[] {4, 8, 8, 64}, 3, 3, 1, 1, 1, 1, Padding.SAME);
        assertTrue(VectorWinograd.applies(batchOfSmall, 64), "a batch of four 8x8: 64 tiles");
        assertTrue(VectorKernels.INSTANCE.name().contains("Winograd F(2x2,3x3)"), VectorKernels.INSTANCE.name());
    }

    /** The layers whose transformed kernel is large for their tiles go in phases, as the memory traffic says. */
    @Test
    void deepLayersGoInPhases() {
        assertTrue(inPhases(512, 512), "VGG19 block4 and block5: U (16 MB) would stream past every 32 tiles");
        assertTrue(inPhases(256, 512), "VGG19 block4_conv1");
        assertTrue(inPhases(512, 200), "the test geometries above");
        assertFalse(inPhases(64, 64), "VGG19 block1: U is 256 KB");
        assertFalse(inPhases(128, 128), "VGG19 block2");
        assertTrue(VectorWinograd.phaseTiles(512, 256) < 2 * 14 * 13, "the last geometry takes two runs");
    }

    private static boolean inPhases(int cin, int cout) {
        int panel = VectorTiles.NW;
        return VectorWinograd.inPhases(cin, (cout + panel - 1) / panel * panel);
    }

    private static WindowGeometry geometry(int k, int stride, int dilation, int cin) {
        return WindowGeometry.of(new int[] {1, 16, 16, cin}, k, k, stride, stride, dilation, dilation, Padding.SAME);
    }

    private static double maxError(double[] exact, float[] actual) {
        double worst = 0;
        for (int i = 0; i < exact.length; i++) {
            double d = Math.abs(exact[i] - actual[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst;
    }

    private float[] rand(int size) {
        return KernelCases.rand(random, size);
    }
}
