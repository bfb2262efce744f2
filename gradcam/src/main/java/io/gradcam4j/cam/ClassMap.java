package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;

import java.util.List;
import java.util.Map;

/**
 * The explanation of one class of one image by one method.
 *
 * @param classIndex the explained class
 * @param score the explained score (logit or probability, see {@link Explanation#scoreKind()})
 * @param cam the raw map, shape (H, W): at the layer's resolution for a CAM method (after its
 *     ReLU, except for signed maps), at the input's resolution for input-space methods (the
 *     attribution summed over channels) and for several fused layers
 * @param maxValue the largest magnitude of {@code cam}
 * @param normalized what is drawn: {@code cam / maxValue} for CAM methods ([-1, 1] when
 *     {@code signed}), Captum's outlier-clipped magnitude in [0, 1] for input-space methods; all
 *     zeros unless the status is drawable
 * @param status whether the map shows anything
 * @param signed whether {@code normalized} keeps a sign (drawn with a diverging colormap)
 * @param attribution the input-space attribution (1, H, W, C), or {@code null} for other methods
 * @param channelWeights the weight of each channel of the layer (the alpha_k of Grad-CAM), or
 *     {@code null} when the method has none
 * @param topChannels the channels that contribute most to the map, largest first (at most 10)
 * @param figures other numbers the method reports (e.g. {@code completeness_gap})
 */
public record ClassMap(int classIndex, float score, Tensor cam, float maxValue, Tensor normalized, CamStatus status,
                       boolean signed, Tensor attribution, float[] channelWeights, List<ChannelContribution> topChannels,
                       Map<String, Double> figures) {

    /**
     * One channel's part in a weighted sum: {@code weight * sum_ij A_ijk}, the amount it adds
     * to the map's total before the ReLU.
     */
    public record ChannelContribution(int channel, float weight, double contribution) {
    }
}
