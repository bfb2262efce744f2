package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Occlusion (Zeiler and Fergus 2014) as Captum's {@code Occlusion} with a window over all
 * channels: a square window filled with {@code fill} (a value of the model input) slides with
 * {@code stride}; its origins along each axis are {@code 0, s, ..., ceil((D - w) / s) * s}, the
 * last one cut at the edge. Each pixel's attribution is the mean, over the windows that cover it,
 * of the score's drop {@code S(x) - S(x occluded)}. Defaults: window 16, stride 8, fill 0.
 * Forward passes run in batches.
 */
public final class Occlusion extends BaseAttribution {
    static final int DEFAULT_WINDOW = 16;
    static final int DEFAULT_STRIDE = 8;

    @Override
    public String name() {
        return "occlusion";
    }

    @Override
    public Map<String, Object> parameters(MethodOptions o) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("window", window(o));
        p.put("stride", stride(o));
        p.put("fill", o.fill() != null ? o.fill() : 0f);
        p.put("batch_size", o.batchSizeOr16());
        return p;
    }

    private static int window(MethodOptions o) {
        return o.window() != null ? o.window() : DEFAULT_WINDOW;
    }

    private static int stride(MethodOptions o) {
        return o.stride() != null ? o.stride() : DEFAULT_STRIDE;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        Tensor x = ctx.input(t.image());
        int h = x.dim(1);
        int w = x.dim(2);
        int ch = x.dim(3);
        int win = window(ctx.options());
        int stride = stride(ctx.options());
        float fill = ctx.options().fill() != null ? ctx.options().fill() : 0f;
        if (win > h || win > w) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("occlusion window " + win + " is larger than the input " + h + "x" + w);
        }
        if (stride > win && (win < h || win < w)) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("occlusion stride " + stride + " is larger than the window " + win
                    + ": some pixels would never be occluded");
        }
        int rows = 1 + (int) Math.ceil((double) (h - win) / stride);
        int cols = 1 + (int) Math.ceil((double) (w - win) / stride);
        float[] xs = x.data();
        float[] scores = ctx.scores(rows * cols, (i, into) -> {
            System.arraycopy(xs, 0, into, 0, xs.length);
            int y0 = (i / cols) * stride;
            int x0 = (i % cols) * stride;
            for (int y = y0; y < Math.min(y0 + win, h); y++) {
                for (int xx = x0; xx < Math.min(x0 + win, w); xx++) {
                    java.util.Arrays.fill(into, (y * w + xx) * ch, (y * w + xx + 1) * ch, fill);
                }
            }
        }, t);
        double original = ctx.score(t);
        double[] sum = new double[h * w];
        int[] count = new int[h * w];
        for (int i = 0; i < scores.length; i++) {
            int y0 = (i / cols) * stride;
            int x0 = (i % cols) * stride;
            for (int y = y0; y < Math.min(y0 + win, h); y++) {
                for (int xx = x0; xx < Math.min(x0 + win, w); xx++) {
                    sum[y * w + xx] += original - scores[i];
                    count[y * w + xx]++;
                }
            }
        }
        float[] a = new float[h * w * ch];
        for (int p = 0; p < h * w; p++) {
            java.util.Arrays.fill(a, p * ch, (p + 1) * ch, (float) (sum[p] / count[p]));
        }
        return new Attribution(a, ch, false, Map.of());
    }
}
