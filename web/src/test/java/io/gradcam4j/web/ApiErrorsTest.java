package io.gradcam4j.web;

import io.gradcam4j.engine.errors.Gradcam4jException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Every category of gradcam4j's errors is a client-side answer, never "internal error" (500). */
class ApiErrorsTest {

    @Test
    void everyErrorKindHasItsOwnStatus() {
        for (Gradcam4jException.Kind kind : Gradcam4jException.Kind.values()) {
            assertNotEquals(500, ApiErrors.status(kind.json()), kind.json());
        }
        assertEquals(503, ApiErrors.status("unavailable"));
        assertEquals(500, ApiErrors.status("io"));
    }
}
