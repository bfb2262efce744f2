package io.gradcam4j.demo;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;

import java.util.List;

/**
 * Held-out evaluation of a shapes classifier: accuracy, and the Grad-CAM pointing game — the
 * maximum of the true class's Grad-CAM map (upsampled to the image) must fall on the object. A
 * hit is counted against the object's bounding box (the usual pointing game) and, more strictly,
 * against its mask. A map without positive evidence is a miss.
 */
public final class PointingGame {
    private PointingGame() {
    }

    /**
     * @param accuracy fraction of images whose top class is the true class
     * @param boxHits fraction of images whose Grad-CAM maximum falls in the object's bounding box
     * @param maskHits the same for the object's mask
     * @param count number of images
     */
    public record Result(double accuracy, double boxHits, double maskHits, int count, double seconds) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "accuracy %.4f, pointing game %.4f (bounding box) / %.4f (mask), %d images, %.1f s",
                    accuracy, boxHits, maskHits, count, seconds);
        }
    }

    /** One image: was it classified right, and where is the maximum of its map. */
    public record Outcome(int predicted, boolean boxHit, boolean maskHit, int peakX, int peakY) {
    }

    public static Outcome judge(Graph graph, String layer, ShapesDataset.Sample s) {
        return judge(graph, layer, s, s.pixels());
    }

    /** As {@link #judge(Graph, String, ShapesDataset.Sample)} with the input tensor given (e.g. loaded from a file). */
    public static Outcome judge(Graph graph, String layer, ShapesDataset.Sample s, Tensor input) {
        Explanation e = Methods.byName("gradcam").explain(graph, input, layer, List.of(s.label()), ScoreKind.LOGIT);
        int predicted = argmax(e.probabilities());
        ClassMap map = e.maps().get(0);
        if (map.status() != CamStatus.OK) {
            return new Outcome(predicted, false, false, -1, -1);
        }
        int n = s.size();
        float[] up = Overlay.upsample(map.normalized(), n, n);
        int best = 0;
        for (int i = 1; i < up.length; i++) {
            if (up[i] > up[best]) {
                best = i;
            }
        }
        int x = best % n;
        int y = best / n;
        return new Outcome(predicted, s.inBox(x, y), s.inMask(x, y), x, y);
    }

    /** Samples {@code from .. from + count - 1} of {@code split}. */
    public static Result evaluate(Graph graph, String layer, ShapesDataset data, ShapesDataset.Split split, int from,
                                  int count) {
        long t0 = System.nanoTime();
        int correct = 0;
        int box = 0;
        int mask = 0;
        for (int i = from; i < from + count; i++) {
            ShapesDataset.Sample s = data.sample(split, i);
            Outcome o = judge(graph, layer, s);
            correct += o.predicted() == s.label() ? 1 : 0;
            box += o.boxHit() ? 1 : 0;
            mask += o.maskHit() ? 1 : 0;
        }
        return new Result((double) correct / count, (double) box / count, (double) mask / count, count,
                (System.nanoTime() - t0) / 1e9);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
