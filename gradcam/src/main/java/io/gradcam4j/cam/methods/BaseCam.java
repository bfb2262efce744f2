package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.engine.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The CAM family, in the spirit of pytorch-grad-cam's {@code BaseCAM}: a method supplies its
 * channel weights {@code alpha_k} ({@link #channelWeights}) and the base computes
 * {@code sum_k alpha_k A_k}, the ReLU, the normalisation and the status; a method whose map is not
 * a weighted sum (HiResCAM's element-wise product) overrides {@link #map} instead. Several layers
 * are fused as pytorch-grad-cam fuses them (docs/METHODS.md).
 */
public abstract class BaseCam extends ExplanationMethod {

    @Override
    public final boolean usesLayer() {
        return true;
    }

    /** The weight of each channel; methods that override {@link #map} need not implement it. */
    protected double[] channelWeights(LayerInput in) {
        throw new UnsupportedOperationException(name() + " defines its map directly");
    }

    /** The map before the ReLU, h x w: by default the channels weighed by {@link #channelWeights}. */
    protected LayerMap map(LayerInput in) {
        double[] weights = channelWeights(in);
        return new LayerMap(in.weightedSum(weights), weights);
    }

    /** Whether the map keeps its sign (no ReLU; drawn with a diverging colormap). */
    protected boolean signed() {
        return false;
    }

    /**
     * A layer's map before the ReLU.
     *
     * @param values h x w, row-major
     * @param weights the channel weights behind it, or {@code null} when there are none
     */
    public record LayerMap(double[] values, double[] weights) {
    }

    @Override
    protected final ClassMap explain(MethodContext ctx, Target t) {
        List<String> layers = ctx.request().layers();
        return layers.size() == 1 ? oneLayer(ctx, t, layers.get(0)) : fused(ctx, t, layers);
    }

    private ClassMap oneLayer(MethodContext ctx, Target t, String layer) {
        LayerInput in = new LayerInput(ctx, t, layer);
        LayerMap m = map(in);
        boolean zeroGradient = in.gradientReadAndZero();
        MapScaling.Scaled s = signed() ? MapScaling.signed(m.values(), zeroGradient)
                : MapScaling.positive(m.values(), zeroGradient);
        float[] weights = m.weights() == null ? null : toFloat(m.weights());
        return new ClassMap(t.classIndex(), ctx.score(t), Tensor.of(s.cam(), in.height(), in.width()), s.maxValue(),
                Tensor.of(s.normalized(), in.height(), in.width()), s.status(), signed(), null, weights,
                m.weights() == null ? List.of() : topChannels(in, m.weights()), Map.of());
    }

    /**
     * pytorch-grad-cam's {@code aggregate_multi_layers}: per layer ReLU, min-max scaling and a
     * bilinear resize to the input; their mean, ReLU and min-max scaling again.
     */
    private ClassMap fused(MethodContext ctx, Target t, List<String> layers) {
        Tensor x = ctx.input(t.image());
        int outH = x.dim(1);
        int outW = x.dim(2);
        double[] sum = new double[outH * outW];
        boolean allZeroGradients = true;
        for (String layer : layers) {
            LayerInput in = new LayerInput(ctx, t, layer);
            double[] m = map(in).values();
            allZeroGradients &= in.gradientReadAndZero();
            for (int i = 0; i < m.length; i++) {
                m[i] = Double.isFinite(m[i]) ? Math.max(m[i], 0) : 0;
            }
            double[] up = Grids.bilinear(Grids.minMaxScaled(m), in.height(), in.width(), outH, outW);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += up[i] / layers.size();
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] = Math.max(sum[i], 0);
        }
        MapScaling.Scaled s = MapScaling.positive(Grids.minMaxScaled(sum), allZeroGradients);
        return new ClassMap(t.classIndex(), ctx.score(t), Tensor.of(s.cam(), outH, outW), s.maxValue(),
                Tensor.of(s.normalized(), outH, outW), s.status(), false, null, null, List.of(), Map.of());
    }

    /** The ten channels whose {@code alpha_k * sum_ij A_ijk} is largest in magnitude. */
    static List<ClassMap.ChannelContribution> topChannels(LayerInput in, double[] weights) {
        double[] sums = in.channelSums();
        List<ClassMap.ChannelContribution> all = new ArrayList<>();
        for (int c = 0; c < weights.length; c++) {
            all.add(new ClassMap.ChannelContribution(c, (float) weights[c], weights[c] * sums[c]));
        }
        all.sort(Comparator.comparingDouble((ClassMap.ChannelContribution c) -> -Math.abs(c.contribution()))
                .thenComparingInt(ClassMap.ChannelContribution::channel));
        return List.copyOf(all.subList(0, Math.min(10, all.size())));
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
