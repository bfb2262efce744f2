package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Overlay;

/**
 * Where a map puts its evidence, against where the object is. The map's normalised values are
 * upsampled bilinearly (half-pixel centres, as the overlay draws them) to the mask's resolution,
 * and only their positive part counts:
 * <ul>
 *   <li><b>on-object share</b> — the energy-based pointing game of Score-CAM (Wang et al. 2020,
 *   §4.2.1): {@code sum(map inside the object) / sum(map)}; 1 when all the evidence lies on the
 *   object, the object's share of the image for a uniform map;</li>
 *   <li><b>pointing hit</b> — the pointing game of Zhang et al. (2016) without their 15-pixel
 *   tolerance: the map's maximum (the first in row-major order among equal maxima) lies on the
 *   object;</li>
 *   <li><b>IoU</b> — the map thresholded at {@code threshold} of its maximum against the object
 *   ({@link #IOU_THRESHOLD} by default, the value torch-cam and most localisation benchmarks use
 *   for a binarised CAM).</li>
 * </ul>
 * A map with no positive evidence (status not drawable) has no localisation: {@link #none()},
 * never a NaN.
 *
 * @param defined false when the map shows nothing, and the three figures mean nothing
 * @param peakX column of the map's maximum in the mask's resolution
 */
public record Localisation(boolean defined, double onObjectShare, boolean pointingHit, double iou, int peakX,
                           int peakY) {
    public static final double IOU_THRESHOLD = 0.5;

    public static Localisation none() {
        return new Localisation(false, 0, false, 0, -1, -1);
    }

    public static Localisation of(ClassMap map, ObjectMask object) {
        return of(map, object, IOU_THRESHOLD);
    }

    public static Localisation of(ClassMap map, ObjectMask object, double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("the IoU threshold is a share of the map's maximum in (0, 1], got "
                    + threshold);
        }
        if (!map.status().drawable()) {
            return none();
        }
        // Overlay.upsample clamps to [0, 1]: a signed map's negative part is dropped here.
        float[] up = Overlay.upsample(map.normalized(), object.width(), object.height());
        return of(up, object, threshold);
    }

    /** @param values the map at the mask's resolution, row-major, already non-negative */
    static Localisation of(float[] values, ObjectMask object, double threshold) {
        int w = object.width();
        double total = 0;
        double inside = 0;
        int peak = 0;
        for (int i = 0; i < values.length; i++) {
            double v = Math.max(0, values[i]);
            total += v;
            if (object.contains(i % w, i / w)) {
                inside += v;
            }
            if (values[i] > values[peak]) {
                peak = i;
            }
        }
        if (!(total > 0)) {
            return none();
        }
        double cut = threshold * values[peak];
        int union = 0;
        int intersection = 0;
        for (int i = 0; i < values.length; i++) {
            boolean hot = values[i] >= cut;
            boolean on = object.contains(i % w, i / w);
            union += hot || on ? 1 : 0;
            intersection += hot && on ? 1 : 0;
        }
        int px = peak % w;
        int py = peak / w;
        return new Localisation(true, inside / total, object.contains(px, py), (double) intersection / union, px, py);
    }
}
