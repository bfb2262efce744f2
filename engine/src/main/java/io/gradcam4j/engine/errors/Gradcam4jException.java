package io.gradcam4j.engine.errors;

import java.util.Locale;

/**
 * The root of gradcam4j's own exceptions, the engine's and the loader's (as jHDF's
 * {@code HdfException} is of jHDF's), so that callers, the command line and the web page tell a
 * user's mistake from a damaged file, an unsupported feature, a resource limit and something out
 * of reach by type, not by a JDK exception class or a message. The category is the type: every
 * exception extends exactly one of the five classes below, and its {@link #kind()} is that
 * class's, fixed there, so a type and its kind cannot disagree.
 */
public abstract sealed class Gradcam4jException extends RuntimeException permits InvalidRequestException,
        DamagedInputException, UnsupportedFeatureException, ResourceLimitException, UnavailableException {

    /** What went wrong, as the JSON names it. */
    public enum Kind {
        /** The request itself is wrong: an option, a name, a class, a layer. */
        INVALID_REQUEST,
        /** A file or an input is damaged: a corrupt model, a truncated image, NaN in the input. */
        DAMAGED_INPUT,
        /** Valid, but beyond what gradcam4j does: a layer class, a Lambda, an image format. */
        UNSUPPORTED,
        /** It would need more memory or time than allowed: a decompression bomb, a huge activation. */
        RESOURCE_LIMIT,
        /** Something the work needs cannot be reached now: official weights without a network. */
        UNAVAILABLE;

        /**
         * {@code invalid-request}, {@code damaged-input}, {@code unsupported}, {@code resource-limit},
         * {@code unavailable}.
         */
        public String json() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    protected Gradcam4jException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The category, as the JSON names it: the one of the class this exception extends. */
    public abstract Kind kind();
}
