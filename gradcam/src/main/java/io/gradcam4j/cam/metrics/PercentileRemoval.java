package io.gradcam4j.cam.metrics;

/**
 * Which pixels a removal at percentile p takes away, as pytorch-grad-cam's
 * {@code RemoveMostRelevantFirst} and {@code RemoveLeastRelevantFirst}
 * (pytorch_grad_cam/metrics/perturbation_confidence.py) choose them: there, the kept pixels are
 * {@code map < np.percentile(map, p)} (most relevant first) or
 * {@code 1 - map < np.percentile(1 - map, p)} (least relevant first). On a map of distinct
 * values that keeps exactly {@code ceil(p / 100 * (P - 1))} pixels (numpy's linear percentile
 * lies between the sorted values at that index and the one before), the least relevant ones or
 * the most relevant ones, and removes the others: p is the share of pixels kept, so
 * most-relevant-first at p = 90 removes the top 10 %.
 *
 * <p>Here that count is kept whatever the ties, taken in the rank order of {@link Relevance}.
 * pytorch-grad-cam removes every pixel tied at its threshold instead: at p = 10 on a map that is
 * 0 over more than a tenth of the image (a Grad-CAM after its ReLU) it removes every pixel, and
 * ROAD's linear system then has no known pixel to start from.
 */
final class PercentileRemoval {

    /** Which end of the ranking is removed first. */
    enum Order { MOST_RELEVANT_FIRST, LEAST_RELEVANT_FIRST }

    private PercentileRemoval() {
    }

    /** {@code ceil(p / 100 * (P - 1))}, computed as numpy computes the percentile's index. */
    static int keptCount(int pixels, double percentile) {
        return (int) Math.ceil(percentile / 100.0 * (pixels - 1));
    }

    /** Per pixel (row-major), whether it stays. */
    static boolean[] kept(Relevance r, double percentile, Order order) {
        int pixels = r.pixels();
        int kept = keptCount(pixels, percentile);
        boolean[] stays = new boolean[pixels];
        // most relevant first keeps the least relevant pixels, the end of the ranking
        int from = order == Order.MOST_RELEVANT_FIRST ? pixels - kept : 0;
        for (int rank = from; rank < from + kept; rank++) {
            stays[r.pixelAt(rank)] = true;
        }
        return stays;
    }
}
