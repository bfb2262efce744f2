package io.gradcam4j.cam;

import java.util.List;
import java.util.Map;

/**
 * What one method produced for one image: the model's output and one map per explained class.
 *
 * @param layers the layers the maps were computed at (empty for input-space methods)
 * @param layerShape the first layer's output shape (1, H, W, C), or {@code null} when there is none
 * @param method the method's name, e.g. {@code gradcam}
 * @param parameters the method's parameters as used (steps, seed, window...), for reports
 * @param scoreKind which score was explained; {@code LOGIT} on a model without a final softmax or
 *     sigmoid means its raw output
 * @param probabilities the model's output (after its final activation), one image
 * @param logits the values before the final softmax or sigmoid, or {@code null} when the model
 *     has none
 * @param maps one per requested class, in request order
 * @param forwardMillis time of the forward pass shared by the batch
 * @param methodMillis time spent by the method for this image after that pass
 * @param passes forward and backward passes (one image each) the method ran for this image
 */
public record Explanation(List<String> layers, int[] layerShape, String method, Map<String, Object> parameters,
                          ScoreKind scoreKind, float[] probabilities, float[] logits, List<ClassMap> maps,
                          double forwardMillis, double methodMillis, Passes passes) {

    /** Work done, counted in images through the network. */
    public record Passes(long forward, long backward) {
    }

    /** The first layer's name, or {@code null} for input-space methods. */
    public String layer() {
        return layers.isEmpty() ? null : layers.get(0);
    }

    /** The classes in order of decreasing probability. */
    public int[] ranking() {
        Integer[] idx = new Integer[probabilities.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}
