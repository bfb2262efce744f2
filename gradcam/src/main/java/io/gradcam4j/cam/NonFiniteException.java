package io.gradcam4j.cam;

/**
 * An input or a model output that holds NaN or an infinity: reported with its status word
 * ({@code non-finite-input}, {@code non-finite-output}) at the start of the message, never passed
 * on as a number.
 */
public class NonFiniteException extends io.gradcam4j.engine.errors.DamagedInputException {
    private final String status;

    public NonFiniteException(String status, String message) {
        super(status + ": " + message);
        this.status = status;
    }

    /** {@code non-finite-input} or {@code non-finite-output}. */
    public String status() {
        return status;
    }

    /** Throws for the first non-finite value of item {@code item} of a batch, if there is one. */
    public static void requireFinite(float[] values, int from, int to, String status, String what) {
        for (int i = from; i < to; i++) {
            if (!Float.isFinite(values[i])) {
                throw new NonFiniteException(status, what + " holds " + values[i] + " at index " + (i - from));
            }
        }
    }
}
