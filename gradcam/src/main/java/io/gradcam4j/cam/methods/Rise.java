package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RISE (Petsiuk et al. 2018, their reference code; not in Captum): the input is multiplied by N
 * random smooth masks ({@link RiseMasks}, cells on with p = 0.5) and each pixel's saliency is the
 * score-weighted mean of the masks, {@code M_p = sum_n S(x * m_n) m_n,p / (N p)}. The paper
 * explains the probability; like every method here it explains the requested score
 * ({@code --score probability} for the paper's). Defaults: 1000 masks, cell ceil(H / 7), seed 0;
 * {@code masks} (N, H, W) replaces the draws. Forward passes run in batches.
 */
public final class Rise extends BaseAttribution {
    static final int DEFAULT_MASKS = 1000;
    private static final double P = 0.5;

    @Override
    public String name() {
        return "rise";
    }

    @Override
    public Map<String, Object> parameters(MethodOptions o) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (o.masks() != null) {
            p.put("masks", "given, " + o.masks().dim(0));
        } else {
            p.put("samples", o.samples() != null ? o.samples() : DEFAULT_MASKS);
            p.put("cell_size", o.cellSize() != null ? o.cellSize() : "ceil(H/7)");
            p.put("seed", o.seedOr0());
        }
        p.put("batch_size", o.batchSizeOr16());
        return p;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        Tensor x = ctx.input(t.image());
        int h = x.dim(1);
        int w = x.dim(2);
        int ch = x.dim(3);
        MethodOptions o = ctx.options();
        Tensor given = o.masks();
        if (given != null && (given.rank() != 3 || given.dim(1) != h || given.dim(2) != w)) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("rise masks must be (N, " + h + ", " + w + "), got " + given);
        }
        int n = given != null ? given.dim(0) : o.samples() != null ? o.samples() : DEFAULT_MASKS;
        int cell = o.cellSize() != null ? o.cellSize() : (int) Math.ceil(h / 7.0);
        long seed = o.seedOr0();
        java.util.function.IntFunction<float[]> mask = i -> given != null
                ? java.util.Arrays.copyOfRange(given.data(), i * h * w, (i + 1) * h * w)
                : RiseMasks.mask(seed, i, h, w, cell, P);
        float[] xs = x.data();
        float[] scores = ctx.scores(n, (i, into) -> {
            float[] m = mask.apply(i);
            for (int p = 0; p < h * w; p++) {
                for (int c = 0; c < ch; c++) {
                    into[p * ch + c] = xs[p * ch + c] * m[p];
                }
            }
        }, t);
        double[] sum = new double[h * w];
        for (int i = 0; i < n; i++) {
            float[] m = mask.apply(i);
            for (int p = 0; p < sum.length; p++) {
                sum[p] += (double) scores[i] * m[p];
            }
        }
        float[] a = new float[h * w];
        for (int p = 0; p < a.length; p++) {
            a[p] = (float) (sum[p] / (n * P));
        }
        return new Attribution(a, 1, false, Map.of());
    }
}
