package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.ops.Resize;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Row by row, the same numbers as the engine's TF-checked bilinear Resize, clamped to [0, 1]. */
class UpsampledRowsTest {

    @Test
    void bitIdenticalToTheResizeOp() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] cases = {{7, 7, 224, 224}, {16, 16, 128, 128}, {7, 5, 333, 97}, {1, 1, 10, 10}, {10, 12, 4, 5}};
        for (int[] c : cases) {
            float[] v = new float[c[0] * c[1]];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextDouble() * 1.4 - 0.2);   // some outside [0, 1], to see the clamp
            }
            Tensor map = Tensor.of(v, c[0], c[1]);
            float[] expected = new Resize(c[2], c[3], Resize.Interpolation.BILINEAR)
                    .apply(map.reshape(1, c[0], c[1], 1)).data();
            for (int i = 0; i < expected.length; i++) {
                expected[i] = Math.min(Math.max(expected[i], 0f), 1f);
            }
            UpsampledRows rows = new UpsampledRows(map, c[3], c[2]);
            float[] row = new float[c[3]];
            for (int y = 0; y < c[2]; y++) {
                rows.row(y, row);
                float[] want = java.util.Arrays.copyOfRange(expected, y * c[3], (y + 1) * c[3]);
                assertArrayEquals(want, row, 0f, "row " + y + " of " + java.util.Arrays.toString(c));
            }
        }
    }
}
