package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.engine.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Methods that attribute the score to the input's values, in the spirit of Captum: a method
 * supplies the attribution {@code T} (H x W x C); the base sums it over the channels into the map,
 * draws it as Captum draws it by default (magnitude, 2 % outliers clipped) and sets the status.
 */
public abstract class BaseAttribution extends ExplanationMethod {

    /**
     * What a method attributes to one input.
     *
     * @param values H x W x channels, channels last
     * @param channels the channels of {@code values} (1 for a map that has none, as RISE's)
     * @param zeroGradient whether the gradient the method read was zero everywhere
     * @param figures other numbers to report (e.g. {@code completeness_gap})
     */
    protected record Attribution(float[] values, int channels, boolean zeroGradient, Map<String, Double> figures) {
    }

    @Override
    public boolean usesLayer() {
        return false;
    }

    /**
     * Whether the map is drawn as Captum draws it (magnitude over its 98 % cumulative-sum
     * threshold); FullGrad, a pytorch-grad-cam method, is divided by its maximum like the CAM family.
     */
    protected boolean captumPicture() {
        return true;
    }

    /** The attribution of the target's score to the target's image. */
    protected abstract Attribution attribution(MethodContext ctx, Target t);

    @Override
    protected final ClassMap explain(MethodContext ctx, Target t) {
        Attribution a = attribution(ctx, t);
        Tensor x = ctx.input(t.image());
        int h = x.dim(1);
        int w = x.dim(2);
        double[] map = new double[h * w];
        for (int p = 0; p < map.length; p++) {
            double s = 0;
            for (int c = 0; c < a.channels(); c++) {
                s += a.values()[p * a.channels() + c];
            }
            map[p] = s;
        }
        MapScaling.Scaled s = captumPicture() ? MapScaling.captumAbsolute(map, a.zeroGradient())
                : MapScaling.positive(map, a.zeroGradient());
        return new ClassMap(t.classIndex(), ctx.score(t), Tensor.of(s.cam(), h, w), s.maxValue(),
                Tensor.of(s.normalized(), h, w), s.status(), false, Tensor.of(a.values(), 1, h, w, a.channels()), null,
                List.of(), a.figures());
    }
}
