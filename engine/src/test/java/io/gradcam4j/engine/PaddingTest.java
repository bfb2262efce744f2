package io.gradcam4j.engine;

import io.gradcam4j.engine.kernels.WindowGeometry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras/TensorFlow {@code same} and {@code valid} padding. The reference is TensorFlow's
 * documented rule (tf.nn "Notes on padding"): with {@code same}, out = ceil(in / stride) and
 * <pre>
 *   pad_along = max(k_eff - stride, 0)        if in % stride == 0
 *             = max(k_eff - in % stride, 0)   otherwise
 *   pad_top   = pad_along / 2 (rounded down), pad_bottom = pad_along - pad_top
 * </pre>
 * where k_eff = (k - 1) * dilation + 1; so an odd total puts the extra row at the bottom/right.
 */
class PaddingTest {

    /** TensorFlow's formula, written independently of {@link Padding}. */
    private static int tfPadAlong(int in, int k, int stride, int dilation) {
        int kEff = (k - 1) * dilation + 1;
        return in % stride == 0 ? Math.max(kEff - stride, 0) : Math.max(kEff - in % stride, 0);
    }

    @Test
    void sameOutputIsCeilOfInputOverStride() {
        assertEquals(7, Padding.SAME.outputSize(13, 3, 2, 1));
        assertEquals(112, Padding.SAME.outputSize(224, 3, 2, 1));
        assertEquals(17, Padding.SAME.outputSize(33, 5, 2, 1));
        assertEquals(11, Padding.SAME.outputSize(33, 5, 3, 1));
        assertEquals(13, Padding.SAME.outputSize(13, 3, 1, 1));
        // the window size does not matter with same padding, even a window larger than the input
        assertEquals(2, Padding.SAME.outputSize(2, 7, 1, 1));
    }

    @Test
    void sameOddTotalPutsTheExtraAtTheBottom() {
        // in=224, k=3, s=2: 224 % 2 == 0, total = 3 - 2 = 1 -> top 0, bottom 1 (ResNet/MobileNet stems)
        assertEquals(1, tfPadAlong(224, 3, 2, 1));
        assertEquals(0, Padding.SAME.padBefore(224, 3, 2, 1));
        // in=12, k=3, s=2: total 1 -> top 0
        assertEquals(0, Padding.SAME.padBefore(12, 3, 2, 1));
        // in=13, k=4, s=2: total 4 - 1 = 3 -> top 1, bottom 2
        assertEquals(3, tfPadAlong(13, 4, 2, 1));
        assertEquals(1, Padding.SAME.padBefore(13, 4, 2, 1));
        // in=29, k=2, s=2: total 1 -> top 0
        assertEquals(0, Padding.SAME.padBefore(29, 2, 2, 1));
    }

    @Test
    void sameEvenTotalIsSymmetric() {
        // in=13, k=3, s=2: out 7, last window starts at 12, so the total is 6*2 + 3 - 13 = 2 -> 1 and 1
        assertEquals(2, tfPadAlong(13, 3, 2, 1));
        assertEquals(1, Padding.SAME.padBefore(13, 3, 2, 1));
        // in=33, k=5, s=2: total 5 - 1 = 4 -> 2 and 2
        assertEquals(2, Padding.SAME.padBefore(33, 5, 2, 1));
        // stride 1, k=3: one on each side
        assertEquals(1, Padding.SAME.padBefore(10, 3, 1, 1));
    }

    @Test
    void dilationWidensTheWindowSpan() {
        // k=3, dilation 2 spans 5 cells: same padding 2 on each side at stride 1
        assertEquals(2, Padding.SAME.padBefore(10, 3, 1, 2));
        assertEquals(10, Padding.SAME.outputSize(10, 3, 1, 2));
        // k=3, dilation 4 spans 9 cells: valid gives in - 9 + 1
        assertEquals(12, Padding.VALID.outputSize(20, 3, 1, 4));
        assertEquals(4, Padding.SAME.padBefore(20, 3, 1, 4));
    }

    @Test
    void sameAgreesWithTensorFlowsRuleOnASweep() {
        for (int in = 1; in <= 40; in++) {
            for (int k = 1; k <= 7; k++) {
                for (int s = 1; s <= 4; s++) {
                    for (int d = 1; d <= 3; d++) {
                        String what = "in " + in + ", k " + k + ", stride " + s + ", dilation " + d;
                        int out = (in + s - 1) / s;
                        assertEquals(out, Padding.SAME.outputSize(in, k, s, d), what);
                        int along = tfPadAlong(in, k, s, d);
                        assertEquals(along / 2, Padding.SAME.padBefore(in, k, s, d), what);
                        // equivalently: just enough padding for the last window to fit (none when
                        // stride > window, where the last input cells are skipped)
                        int kEff = (k - 1) * d + 1;
                        assertEquals(Math.max((out - 1) * s + kEff - in, 0), along, what);
                    }
                }
            }
        }
    }

    @Test
    void validHasNoPaddingAndFloorOutput() {
        for (int in = 1; in <= 40; in++) {
            for (int k = 1; k <= 7; k++) {
                for (int s = 1; s <= 4; s++) {
                    for (int d = 1; d <= 3; d++) {
                        int kEff = (k - 1) * d + 1;
                        if (kEff > in) {
                            continue;
                        }
                        String what = "in " + in + ", k " + k + ", stride " + s + ", dilation " + d;
                        assertEquals((in - kEff) / s + 1, Padding.VALID.outputSize(in, k, s, d), what);
                        assertEquals(0, Padding.VALID.padBefore(in, k, s, d), what);
                    }
                }
            }
        }
    }

    @Test
    void validWithWindowLargerThanInputThrows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Padding.VALID.outputSize(4, 5, 1, 1));
        assertTrue(e.getMessage().contains("4"), e.getMessage());
        // dilation 2 makes a 3-tap window span 5 cells
        assertThrows(IllegalArgumentException.class, () -> Padding.VALID.outputSize(4, 3, 1, 2));
        assertThrows(IllegalArgumentException.class,
                () -> WindowGeometry.of(new int[] {1, 2, 8, 1}, 3, 3, 1, 1, 1, 1, Padding.VALID));
    }

    @Test
    void windowGeometryUsesThePaddingRulePerAxis() {
        // 33x29, kernel 3x2, stride 2, same: rows pad 1/1, columns 0/1 (extra on the right)
        WindowGeometry g = WindowGeometry.of(new int[] {2, 33, 29, 3}, 3, 2, 2, 2, 1, 1, Padding.SAME);
        assertEquals(17, g.outH());
        assertEquals(15, g.outW());
        assertEquals(1, g.padTop());
        assertEquals(0, g.padLeft());
        // the last output column reads columns 28 and 29: 29 is the padding on the right
        assertEquals(28, g.inCol(14, 0));
        assertEquals(29, g.inCol(14, 1));
    }

    @Test
    void parseAcceptsKerasNamesOnly() {
        assertEquals(Padding.SAME, Padding.parse("same"));
        assertEquals(Padding.VALID, Padding.parse("VALID"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Padding.parse("causal"));
        assertTrue(e.getMessage().contains("causal"), e.getMessage());
    }
}
