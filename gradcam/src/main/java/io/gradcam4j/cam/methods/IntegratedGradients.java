package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Integrated Gradients (Sundararajan et al. 2017) as Captum's default: the path integral of the
 * gradient from a baseline {@code x'} to {@code x} by the Gauss-Legendre rule,
 * {@code T = (x - x') * sum_i w_i g(x' + a_i (x - x'))} ({@link GaussLegendre}; default 50
 * steps, black baseline). Reports the completeness gap {@code |sum T - (S(x) - S(x'))|}, which
 * shrinks as the steps grow (zero for a linear model). Gradients run in batches.
 */
public final class IntegratedGradients extends BaseAttribution {
    static final int DEFAULT_STEPS = 50;

    @Override
    public String name() {
        return "integrated-gradients";
    }

    @Override
    public Map<String, Object> parameters(MethodOptions o) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("steps", steps(o));
        p.put("baseline", baseline(o).name().toLowerCase(java.util.Locale.ROOT));
        p.put("batch_size", o.batchSizeOr16());
        return p;
    }

    private static int steps(MethodOptions o) {
        return o.steps() != null ? o.steps() : DEFAULT_STEPS;
    }

    private static MethodOptions.Baseline baseline(MethodOptions o) {
        return o.baseline() != null ? o.baseline() : MethodOptions.Baseline.BLACK;
    }

    @Override
    protected Attribution attribution(MethodContext ctx, Target t) {
        Tensor x = ctx.input(t.image());
        float[] xs = x.data();
        float[] base = Baselines.of(baseline(ctx.options()), x, ctx).data();
        GaussLegendre rule = GaussLegendre.of(steps(ctx.options()));
        double[] integral = new double[xs.length];
        boolean[] anyGradient = {false};
        ctx.inputGradients(rule.alphas().length, (i, into) -> {
            double a = rule.alphas()[i];
            for (int j = 0; j < into.length; j++) {
                into[j] = (float) (base[j] + a * (xs[j] - base[j]));
            }
        }, t, BackwardRules.STANDARD, (i, g) -> {
            double w = rule.weights()[i];
            for (int j = 0; j < g.length; j++) {
                integral[j] += w * g[j];
                anyGradient[0] |= g[j] != 0f;
            }
        });
        float[] a = new float[xs.length];
        double total = 0;
        for (int j = 0; j < a.length; j++) {
            a[j] = (float) ((xs[j] - (double) base[j]) * integral[j]);
            total += a[j];
        }
        float baselineScore = ctx.scores(1, (i, into) -> System.arraycopy(base, 0, into, 0, base.length), t)[0];
        double gap = Math.abs(total - (ctx.score(t) - (double) baselineScore));
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("completeness_gap", gap);
        figures.put("attribution_sum", total);
        figures.put("baseline_score", (double) baselineScore);
        return new Attribution(a, x.dim(3), !anyGradient[0], figures);
    }
}
