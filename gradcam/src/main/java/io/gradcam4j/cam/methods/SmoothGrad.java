package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SmoothGrad (Smilkov et al. 2017) as Captum's {@code NoiseTunnel(Saliency)} with
 * {@code nt_type="smoothgrad"}: the mean of {@code |dS/dx|} over N copies of the input with
 * Gaussian noise added, {@code T = (1/N) sum_n |g(x + e_n)|}. Captum takes the noise's standard
 * deviation as an absolute number; here it is the paper's noise level, a fraction of the input's
 * value range ({@code sigma = level * (max(x) - min(x))}), so one number fits every
 * preprocessing. Defaults: 50 samples, level 0.15, seed 0; {@code noise} (N, H, W, C) replaces
 * the draws. Gradients run in batches.
 */
public final class SmoothGrad extends BaseAttribution {
    static final int DEFAULT_SAMPLES = 50;
    static final double DEFAULT_NOISE_LEVEL = 0.15;

    @Override
    public String name() {
        return "smoothgrad";
    }

    @Override
    public Map<String, Object> parameters(MethodOptions o) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (o.noise() != null) {
            p.put("noise", "given, " + o.noise().dim(0) + " samples");
        } else {
            p.put("samples", o.samples() != null ? o.samples() : DEFAULT_SAMPLES);
            p.put("noise_level", o.noiseLevel() != null ? o.noiseLevel() : DEFAULT_NOISE_LEVEL);
            p.put("seed", o.seedOr0());
        }
        p.put("batch_size", o.batchSizeOr16());
        return p;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        Tensor x = ctx.input(t.image());
        float[] xs = x.data();
        Tensor noise = ctx.options().noise() != null ? checked(ctx.options().noise(), x) : drawn(ctx.options(), x);
        int n = noise.dim(0);
        double[] sum = new double[xs.length];
        boolean[] anyGradient = {false};
        ctx.inputGradients(n, (i, into) -> {
            for (int j = 0; j < into.length; j++) {
                into[j] = xs[j] + noise.data()[i * xs.length + j];
            }
        }, t, BackwardRules.STANDARD, (i, g) -> {
            for (int j = 0; j < g.length; j++) {
                sum[j] += Math.abs(g[j]);
                anyGradient[0] |= g[j] != 0f;
            }
        });
        float[] a = new float[xs.length];
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) (sum[j] / n);
        }
        return new Attribution(a, x.dim(3), !anyGradient[0], Map.of());
    }

    private static Tensor checked(Tensor noise, Tensor x) {
        int[] s = noise.shape();
        if (s.length != 4 || s[1] != x.dim(1) || s[2] != x.dim(2) || s[3] != x.dim(3)) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("smoothgrad noise must be (N, " + x.dim(1) + ", " + x.dim(2) + ", "
                    + x.dim(3) + ") for this model's input, got " + noise);
        }
        return noise;
    }

    /** N draws of N(0, sigma^2) per value, sigma = level * (max(x) - min(x)). */
    private static Tensor drawn(MethodOptions o, Tensor x) {
        int n = o.samples() != null ? o.samples() : DEFAULT_SAMPLES;
        double level = o.noiseLevel() != null ? o.noiseLevel() : DEFAULT_NOISE_LEVEL;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x.data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double sigma = level * (max - min);
        SplittableRandom random = new SplittableRandom(o.seedOr0());
        int[] shape = x.shape();
        shape[0] = n;
        float[] d = new float[n * x.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (sigma * Gaussian.next(random));
        }
        return Tensor.of(d, shape);
    }
}
