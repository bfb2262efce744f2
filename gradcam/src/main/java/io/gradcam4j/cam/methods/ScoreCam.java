package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Score-CAM (Wang et al. 2020) as pytorch-grad-cam 1.5.5: each channel, upsampled to the input
 * with aligned corners (torch's {@code UpsamplingBilinear2d}) and min-max scaled (epsilon
 * 1e-8), masks the input; the score of each masked input goes through a softmax over the
 * channels to give {@code alpha}. Gradient-free; one forward pass per channel, in batches.
 * {@code maxChannels} (Faster Score-CAM) scores only the channels of largest activation variance
 * and gives the others weight 0.
 */
public final class ScoreCam extends BaseCam {

    @Override
    public String name() {
        return "scorecam";
    }

    @Override
    public Map<String, Object> parameters(MethodOptions o) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("max_channels", o.maxChannels());
        p.put("batch_size", o.batchSizeOr16());
        return p;
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        MethodContext ctx = in.context();
        Tensor x = ctx.input(in.target().image());
        int bigH = x.dim(1);
        int bigW = x.dim(2);
        int ch = x.dim(3);
        int[] scored = channelsToScore(in, ctx.options().maxChannels());
        float[] image = x.data();
        float[] scores = ctx.scores(scored.length, (i, into) -> {
            double[] mask = scaledMask(in, scored[i], bigH, bigW);
            for (int p = 0; p < mask.length; p++) {
                for (int c = 0; c < ch; c++) {
                    into[p * ch + c] = (float) (image[p * ch + c] * mask[p]);
                }
            }
        }, in.target());
        return softmaxOver(scored, scores, in.channels());
    }

    /** Channel k upsampled to H x W with aligned corners and scaled to [0, 1]. */
    private static double[] scaledMask(LayerInput in, int channel, int bigH, int bigW) {
        double[] a = new double[in.pixels()];
        for (int p = 0; p < a.length; p++) {
            a[p] = in.activations()[p * in.channels() + channel];
        }
        double[] up = Grids.bilinearAlignedCorners(a, in.height(), in.width(), bigH, bigW);
        double min = Arrays.stream(up).min().orElse(0);
        double max = Arrays.stream(up).max().orElse(0);
        for (int i = 0; i < up.length; i++) {
            up[i] = (up[i] - min) / (max - min + 1e-8);
        }
        return up;
    }

    /** Every channel, or the {@code max} of largest variance over the pixels (ties: lower index). */
    static int[] channelsToScore(LayerInput in, Integer max) {
        int k = in.channels();
        if (max == null || max >= k) {
            int[] all = new int[k];
            Arrays.setAll(all, i -> i);
            return all;
        }
        double[] variance = new double[k];
        double[] mean = in.channelSums();
        for (int c = 0; c < k; c++) {
            mean[c] /= in.pixels();
        }
        for (int p = 0; p < in.pixels(); p++) {
            for (int c = 0; c < k; c++) {
                double d = in.activations()[p * k + c] - mean[c];
                variance[c] += d * d;
            }
        }
        return java.util.stream.IntStream.range(0, k).boxed()
                .sorted((a, b) -> variance[a] != variance[b] ? Double.compare(variance[b], variance[a]) : Integer.compare(a, b))
                .limit(max).sorted().mapToInt(Integer::intValue).toArray();
    }

    private static double[] softmaxOver(int[] channels, float[] scores, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double sum = 0;
        double[] e = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            e[i] = Math.exp(scores[i] - max);
            sum += e[i];
        }
        double[] w = new double[k];
        for (int i = 0; i < channels.length; i++) {
            w[channels[i]] = e[i] / sum;
        }
        return w;
    }
}
