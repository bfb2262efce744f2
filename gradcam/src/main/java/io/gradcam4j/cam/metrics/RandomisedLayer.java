package io.gradcam4j.cam.metrics;

/**
 * One row of the model-parameter randomisation test: the map once this layer and every layer
 * above it hold fresh random weights, compared with the original map.
 *
 * @param layer the layer randomised at this step (a node of the graph)
 * @param weights how many weight values this layer holds
 * @param spearman Spearman's rank correlation with the original map ({@link SpearmanCorrelation}),
 *     0 when the randomised map is constant
 * @param ssim the structural similarity with the original map ({@link StructuralSimilarity})
 * @param mapStatus the randomised map's status ({@code ok}, {@code zero-gradient}, ...)
 */
public record RandomisedLayer(String layer, long weights, double spearman, double ssim, String mapStatus) {
}
