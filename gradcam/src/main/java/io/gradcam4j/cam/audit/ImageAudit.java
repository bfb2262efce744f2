package io.gradcam4j.cam.audit;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.metrics.Localisation;

import java.util.Map;

/**
 * What an audit found on one image: the model's answer, whether it was right, and where the map
 * of the explained class puts its evidence against the object.
 *
 * @param image the image's path relative to the audited folder ({@code square/000.png})
 * @param trueIndex the class its folder names; {@code null} when it has none (a flat folder, or
 *     a folder the model's labels do not know)
 * @param confidence the predicted class's probability
 * @param explainedIndex the class whose map was measured (the predicted or the true one)
 * @param localisation against the object; {@code null} when the image has no object region
 * @param objectNote what to know about the object region: {@code null}, {@code no-object-region},
 *     {@code empty-mask}, or how the mask was resized
 * @param metrics faithfulness figures, {@code metric.figure} to a finite value
 * @param forwardPasses images run through the model for this image (its share of the batch's
 *     forward pass, the method's and the metrics' perturbed inputs)
 */
public record ImageAudit(String image, Integer trueIndex, int predictedIndex, double confidence, int explainedIndex,
                         CamStatus status, Localisation localisation, String objectNote, Map<String, Double> metrics,
                         long forwardPasses, long backwardPasses) {

    public ImageAudit {
        metrics = Map.copyOf(metrics);
    }

    /** Right or wrong; {@code null} without a true class. */
    public Boolean correct() {
        return trueIndex == null ? null : trueIndex == predictedIndex;
    }

    /** The share of the map's positive mass on the object, or {@code null} when there is none to measure. */
    public Double onObject() {
        return localisation != null && localisation.defined() ? localisation.onObjectShare() : null;
    }

    public Boolean pointingHit() {
        return localisation != null && localisation.defined() ? localisation.pointingHit() : null;
    }

    public Double iou() {
        return localisation != null && localisation.defined() ? localisation.iou() : null;
    }
}
