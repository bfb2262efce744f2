package io.gradcam4j.cli;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;

import java.io.PrintStream;
import java.util.function.IntFunction;

/**
 * {@code --explain-math}: the walk from gradient to map for one image, as a teacher would write
 * it on the board: the channel weights of the largest contributions, the weighted sum, the ReLU
 * and the normalisation.
 */
final class ExplainMath {

    private ExplainMath() {
    }

    static void print(PrintStream out, Explanation e, IntFunction<String> label) {
        out.printf("%nHow %s computed the map (layer %s, %s score):%n", e.method(),
                e.layers().isEmpty() ? "none: input space" : String.join(",", e.layers()),
                e.scoreKind().name().toLowerCase(java.util.Locale.ROOT));
        for (ClassMap map : e.maps()) {
            out.printf("class %s (%d), score S = %.6g%n", label.apply(map.classIndex()), map.classIndex(), map.score());
            if (map.channelWeights() != null) {
                out.printf("  1. channel weights alpha_k for the %d channels (for Grad-CAM alpha_k = mean over i,j of dS/dA_ijk)%n",
                        map.channelWeights().length);
                out.println("  2. the map is M_ij = sum_k alpha_k * A_ijk; the channels adding most to sum_ij M_ij:");
                out.println("       channel      alpha_k    alpha_k * sum_ij A_ijk");
                for (ClassMap.ChannelContribution c : map.topChannels()) {
                    out.printf("     %9d  %11.4g  %13.4g%n", c.channel(), c.weight(), c.contribution());
                }
            } else if (map.attribution() != null) {
                out.println("  1. the attribution T (H x W x C) of every input value, summed over the channels into M");
            } else {
                out.println("  1. the map M is computed cell by cell (no channel weights: see docs/METHODS.md)");
            }
            float[] cam = map.cam().data();
            float min = Float.POSITIVE_INFINITY;
            int positive = 0;
            for (float v : cam) {
                min = Math.min(min, v);
                positive += v > 0 ? 1 : 0;
            }
            out.printf("  3. %s: %d of %d cells positive, smallest %.4g, largest magnitude %.4g%n",
                    map.signed() ? "no ReLU (signed map)" : map.attribution() != null ? "the map M" : "ReLU(M)",
                    positive, cam.length, min, map.maxValue());
            out.printf("  4. normalised: %s; status %s%n", map.attribution() != null
                    ? "|M| / t clipped to 1, t = the 98 % cumulative-sum threshold (Captum)"
                    : map.signed() ? "M / max|M|, in [-1, 1]" : "ReLU(M) / max, in [0, 1]", map.status().json());
        }
    }
}
