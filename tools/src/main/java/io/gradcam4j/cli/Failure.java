package io.gradcam4j.cli;

import io.gradcam4j.engine.errors.ErrorReport;
import io.gradcam4j.engine.errors.Gradcam4jException;

/**
 * Why one input (or the whole command) failed, and of which kind, as the JSON reports it:
 * {@code invalid-request}, {@code damaged-input}, {@code unsupported}, {@code resource-limit},
 * {@code unavailable} (gradcam4j's own exceptions say which, by the class they extend),
 * {@code io} for file errors ({@link ErrorReport} classifies them), {@code usage} for options.
 */
public record Failure(String message, String kind) {

    public static Failure of(Throwable e) {
        ErrorReport r = ErrorReport.of(e, "give the JVM more heap (-Xmx) or use a smaller --batch-size");
        return new Failure(r.message(), r.kind());
    }

    /** The exit code for a failure of this kind: 2 for a request to correct, 1 otherwise. */
    public int exitCode() {
        return kind.equals(Gradcam4jException.Kind.INVALID_REQUEST.json()) || kind.equals("usage") ? 2 : 1;
    }

    @Override
    public String toString() {
        return message;
    }
}
