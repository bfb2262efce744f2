package io.gradcam4j.cam;

import java.util.List;

/**
 * What one forward pass and one backward pass per class produced.
 *
 * @param layer the node whose activations were weighed
 * @param layerShape its output shape (1, H, W, C)
 * @param method e.g. {@code gradcam}
 * @param scoreKind which score was explained; {@code LOGIT} on a model without a final softmax or
 *     sigmoid means its raw output
 * @param probabilities the model's output (after its final activation), one image
 * @param logits the values before the final softmax or sigmoid, or {@code null} when the model
 *     has none
 * @param maps one per requested class, in request order
 * @param forwardMillis time of the forward pass
 * @param backwardMillis time of all backward passes
 */
public record Explanation(String layer, int[] layerShape, String method, ScoreKind scoreKind, float[] probabilities,
                          float[] logits, List<ClassMap> maps, double forwardMillis, double backwardMillis) {

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
