package io.gradcam4j.cli;

import io.gradcam4j.engine.errors.ResourceLimitException;
import io.gradcam4j.keras.CorruptModelFileException;
import io.gradcam4j.keras.UnsupportedKerasFeatureException;
import io.gradcam4j.keras.applications.Applications;
import io.gradcam4j.keras.download.UnknownWeightsException;
import io.gradcam4j.keras.download.WeightsOfflineException;
import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The command line tells a user's mistake from a damaged file, an unsupported feature, a resource
 * limit and weights out of reach by the exception's type alone: each loader error reaches the JSON
 * with its kind, and only a request to correct exits with 2.
 */
class FailureKindTest {

    @Test
    void eachLoaderErrorIsReportedWithTheKindOfItsType() {
        assertKind("unsupported", 1, new UnsupportedKerasFeatureException("m.h5: a virtual dataset"));
        assertKind("damaged-input", 1, new CorruptModelFileException("m.h5", "superblock", "is truncated"));
        assertKind("invalid-request", 2, new UnknownWeightsException("no official weights named 'vgg91'"));
        assertKind("unavailable", 1, new WeightsOfflineException("cannot reach storage.googleapis.com", null, null,
                null));
        assertKind("resource-limit", 1, new ResourceLimitException("activation too large"));
        assertKind("io", 1, new FileNotFoundException("m.h5"));
    }

    @Test
    void anUnknownApplicationNameIsARequestToCorrect() {
        assertKind("invalid-request", 2, assertThrows(RuntimeException.class, () -> Applications.byName("vgg91")));
    }

    private static void assertKind(String kind, int exitCode, Throwable e) {
        Failure f = Failure.of(e);
        assertEquals(kind, f.kind(), e.toString());
        assertEquals(exitCode, f.exitCode(), e.toString());
    }
}
