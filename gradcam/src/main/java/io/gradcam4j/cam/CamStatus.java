package io.gradcam4j.cam;

/** Whether a class map shows anything. Empty maps are reported, never painted; no map holds NaN. */
public enum CamStatus {
    /** The map has values to show, normalized to a largest magnitude of 1. */
    OK,
    /** The gradient the method needs is zero everywhere (e.g. a saturated probability): nothing to weigh. */
    ZERO_GRADIENT,
    /** The map is nowhere positive (signed and input-space maps: zero everywhere): no evidence for the class. */
    NO_POSITIVE_EVIDENCE,
    /** Every cell of the map has the same positive value: it localises nothing. */
    FLAT_MAP;

    /** The spelling used in JSON: {@code ok}, {@code zero-gradient}, {@code no-positive-evidence}, {@code flat-map}. */
    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The status spelled as {@link #json()} spells it. */
    public static CamStatus fromJson(String text) {
        for (CamStatus s : values()) {
            if (s.json().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no map status is called " + text);
    }

    /** Whether the map is worth drawing. */
    public boolean drawable() {
        return this == OK || this == FLAT_MAP;
    }
}
