package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Padding by its definition, into a reused array full of NaN: every element is written. */
class BordersTest {

    @Test
    void padPutsEachPixelAtItsShiftedPlaceAndZerosElsewhere() {
        int n = 3;
        int h = 20;
        int w = 30;
        int c = 9;   // 3 x 25 x 34 x 9 = 22950 floats: large enough to come from the workspace
        int top = 1;
        int bottom = 4;
        int left = 0;
        int right = 4;
        float[] xs = new float[n * h * w * c];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i + 1;
        }
        Tensor x = Tensor.of(xs, n, h, w, c);
        int outH = h + top + bottom;
        int outW = w + left + right;
        Workspace workspace = new Workspace();
        try (Workspace.Scope scope = workspace.enter()) {
            float[] stale = new float[n * outH * outW * c];
            Arrays.fill(stale, Float.NaN);
            Workspace.recycle(stale);
            Tensor y = Borders.pad(x, top, bottom, left, right);
            assertArrayEquals(new int[] {n, outH, outW, c}, y.shape());
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        for (int ch = 0; ch < c; ch++) {
                            int iy = oy - top;
                            int ix = ox - left;
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            float expected = inside ? xs[((b * h + iy) * w + ix) * c + ch] : 0f;
                            assertEquals(expected, y.data()[((b * outH + oy) * outW + ox) * c + ch],
                                    "image " + b + ", pixel (" + oy + ", " + ox + "), channel " + ch);
                        }
                    }
                }
            }
        }
    }
}
