package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;

/**
 * The explanation of one class at one layer.
 *
 * @param classIndex the explained class
 * @param score the explained score (logit or probability, see {@link Explanation#scoreKind()})
 * @param cam ReLU(weighted sum), shape (H, W) at the layer's resolution, before normalization
 * @param maxValue the largest value of {@code cam}
 * @param normalized {@code cam / maxValue} in [0, 1]; all zeros unless the status is OK
 * @param status whether the map shows anything
 */
public record ClassMap(int classIndex, float score, Tensor cam, float maxValue, Tensor normalized, CamStatus status) {
}
