package io.gradcam4j.web;

/**
 * A refusal the API answers with its own HTTP status (413 for an upload over the limit, 503 when
 * the queue of explanations is full, ...), its {@code kind} and a message for the person reading
 * the page. The library's own exceptions are mapped by {@link ApiErrors}; this is for what only
 * the server decides.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String kind;
    /** Seconds to wait before trying again (the Retry-After header), or 0 for none. */
    private final int retryAfterSeconds;

    ApiException(int status, String kind, String message) {
        this(status, kind, message, 0);
    }

    ApiException(int status, String kind, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    String kind() {
        return kind;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
