package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.errors.InvalidRequestException;

/**
 * A metric that has no value for this map or image, with its status word at the start of the
 * message (as {@link io.gradcam4j.cam.NonFiniteException} does): {@code no-map} (the map shows no
 * evidence), {@code flat-map} (every pixel equally relevant: there is no order to remove them
 * in), {@code non-positive-score} (a relative drop of a score that is not positive). Reported per
 * image instead of a NaN.
 */
public class UndefinedMetricException extends InvalidRequestException {
    private final String status;

    public UndefinedMetricException(String status, String message) {
        super(status + ": " + message);
        this.status = status;
    }

    /** {@code no-map}, {@code flat-map} or {@code non-positive-score}. */
    public String status() {
        return status;
    }
}
