package io.gradcam4j.cli;

import io.gradcam4j.engine.IoErrors;
import io.gradcam4j.engine.errors.Gradcam4jException;

import java.io.IOException;

/**
 * Why one input (or the whole command) failed, and of which kind, as the JSON reports it:
 * {@code invalid-request}, {@code damaged-input}, {@code unsupported}, {@code resource-limit},
 * {@code unavailable} (gradcam4j's own exceptions say which, by the class they extend),
 * {@code io} for file errors, {@code usage} for options.
 */
public record Failure(String message, String kind) {

    public static Failure of(Throwable e) {
        if (e instanceof Gradcam4jException g) {
            return new Failure(text(e), g.kind().json());
        }
        if (e instanceof OutOfMemoryError) {
            return new Failure("out of memory (" + e.getMessage() + "); give the JVM more heap (-Xmx) or use a "
                    + "smaller --batch-size", Gradcam4jException.Kind.RESOURCE_LIMIT.json());
        }
        if (e instanceof StackOverflowError) {
            return new Failure("stack overflow while working on this input", Gradcam4jException.Kind.RESOURCE_LIMIT.json());
        }
        if (e instanceof IOException ioe) {
            return new Failure(IoErrors.describe(ioe), "io");
        }
        if (e instanceof IllegalArgumentException) {
            return new Failure(text(e), Gradcam4jException.Kind.INVALID_REQUEST.json());
        }
        return new Failure(text(e), e.getClass().getSimpleName());
    }

    private static String text(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
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
