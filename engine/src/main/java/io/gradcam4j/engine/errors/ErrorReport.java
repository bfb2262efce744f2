package io.gradcam4j.engine.errors;

import io.gradcam4j.engine.IoErrors;

import java.io.IOException;

/**
 * Why one input (or a whole request) failed, and of which kind, as every front end reports it —
 * the command line's JSON, the web page's answers, a Spark row: {@code invalid-request},
 * {@code damaged-input}, {@code unsupported}, {@code resource-limit}, {@code unavailable}
 * (gradcam4j's own exceptions say which, by the category they extend), {@code io} for file
 * errors, and the exception's simple class name for anything else.
 */
public record ErrorReport(String message, String kind) {

    /**
     * @param outOfMemoryAdvice what the caller can change when memory runs out, in its own terms
     *                          (the CLI's {@code -Xmx} and {@code --batch-size}, Spark's executor memory)
     */
    public static ErrorReport of(Throwable e, String outOfMemoryAdvice) {
        if (e instanceof Gradcam4jException g) {
            return new ErrorReport(text(e), g.kind().json());
        }
        if (e instanceof OutOfMemoryError) {
            return new ErrorReport("out of memory (" + e.getMessage() + "); " + outOfMemoryAdvice,
                    Gradcam4jException.Kind.RESOURCE_LIMIT.json());
        }
        if (e instanceof StackOverflowError) {
            return new ErrorReport("stack overflow while working on this input",
                    Gradcam4jException.Kind.RESOURCE_LIMIT.json());
        }
        if (e instanceof IOException io) {
            return new ErrorReport(IoErrors.describe(io), "io");
        }
        if (e instanceof IllegalArgumentException) {
            return new ErrorReport(text(e), Gradcam4jException.Kind.INVALID_REQUEST.json());
        }
        return new ErrorReport(text(e), e.getClass().getSimpleName());
    }

    private static String text(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
