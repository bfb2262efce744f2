package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A feature extractor's scores: sums written out by hand, and their gradient of ones. */
class FeatureSumTest {
    /** Two items of 2 x 1 positions and 3 channels: item b, position p, channel c holds 100b + 10p + c. */
    private static Tensor features() {
        float[] d = new float[2 * 2 * 3];
        for (int b = 0; b < 2; b++) {
            for (int p = 0; p < 2; p++) {
                for (int c = 0; c < 3; c++) {
                    d[(b * 2 + p) * 3 + c] = 100 * b + 10 * p + c;
                }
            }
        }
        return Tensor.of(d, 2, 2, 1, 3);
    }

    @Test
    void allAddsEveryValueOfAnItem() {
        Step s = new FeatureSum(FeatureSum.Over.ALL).forward(new Tensor[] {features()}, Mode.INFERENCE);
        assertArrayEquals(new int[] {2, 1}, s.output().shape());
        assertEquals(0 + 1 + 2 + 10 + 11 + 12, s.output().data()[0]);   // 36
        assertEquals(6 * 100 + 36, s.output().data()[1]);
        float[] g = s.backward().apply(Tensor.of(new float[] {1f, 2f}, 2, 1), null)[0].data();
        for (int i = 0; i < g.length; i++) {
            assertEquals(i < 6 ? 1f : 2f, g[i]);
        }
    }

    @Test
    void positionsAddsEachChannel() {
        FeatureSum op = new FeatureSum(FeatureSum.Over.POSITIONS);
        Step s = op.forward(new Tensor[] {features()}, Mode.INFERENCE);
        assertArrayEquals(new float[] {10, 12, 14, 210, 212, 214}, s.output().data());
        assertArrayEquals(new int[] {2, 3}, op.outputShape(new int[][] {{2, 2, 1, 3}}));
        float[] g = s.backward().apply(Tensor.of(new float[] {0, 0, 1, 0, 0, 0}, 2, 3), null)[0].data();
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}, g);
    }
}
