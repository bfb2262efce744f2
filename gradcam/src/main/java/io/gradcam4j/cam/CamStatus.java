package io.gradcam4j.cam;

/** Whether a class map shows anything. Empty maps are reported, never painted. */
public enum CamStatus {
    /** The map has positive values, normalized to a maximum of 1. */
    OK,
    /** The gradient at the layer is zero everywhere (e.g. a saturated probability): nothing to weigh. */
    ZERO_GRADIENT,
    /** The weighted sum is nowhere positive: no evidence for the class at this layer. */
    NO_POSITIVE_EVIDENCE;

    /** The spelling used in JSON: {@code ok}, {@code zero-gradient}, {@code no-positive-evidence}. */
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
