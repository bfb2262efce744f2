package io.gradcam4j.spark;

import io.gradcam4j.engine.IoErrors;
import io.gradcam4j.engine.errors.Gradcam4jException;

import java.io.IOException;

/**
 * Why one row has no explanation, in the words and kinds of the command line's JSON
 * ({@code invalid-request}, {@code damaged-input}, {@code unsupported}, {@code resource-limit},
 * {@code io}): the row carries it and the job goes on.
 */
record RowError(String message, String kind) {

    static RowError of(Throwable e) {
        if (e instanceof Gradcam4jException g) {
            return new RowError(text(e), g.kind().json());
        }
        if (e instanceof OutOfMemoryError) {
            return new RowError("out of memory (" + e.getMessage() + "); give the executors more memory or use a "
                    + "smaller batchSize", Gradcam4jException.Kind.RESOURCE_LIMIT.json());
        }
        if (e instanceof StackOverflowError) {
            return new RowError("stack overflow while working on this image", Gradcam4jException.Kind.RESOURCE_LIMIT.json());
        }
        if (e instanceof IOException io) {
            return new RowError(IoErrors.describe(io), "io");
        }
        if (e instanceof IllegalArgumentException) {
            return new RowError(text(e), Gradcam4jException.Kind.INVALID_REQUEST.json());
        }
        return new RowError(text(e), e.getClass().getSimpleName());
    }

    private static String text(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
