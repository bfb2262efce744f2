package io.gradcam4j.engine.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EpilogueTest {

    /**
     * An activation big enough to be split between threads, with a channel count that does not
     * divide the chunk size: every value gets its own channel's shift and the clamp, written out here.
     */
    @Test
    void appliesShiftAndClampToEveryValueOfALargeActivation() {
        int pixels = 97 * 101;
        int c = 7;
        Random r = new Random(3);
        float[] shift = new float[c];
        for (int j = 0; j < c; j++) {
            shift[j] = r.nextFloat() * 4 - 2;
        }
        float[] values = new float[pixels * c];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextFloat() * 16 - 8;
        }
        float[] original = values.clone();
        new Epilogue(shift, 0f, 6f).applyTo(values);
        for (int i = 0; i < values.length; i++) {
            float expected = Math.min(Math.max(original[i] + shift[i % c], 0f), 6f);
            assertEquals(expected, values[i], 0f, "value " + i);
        }
    }

    @Test
    void refusesAnEmptyClamp() {
        assertThrows(IllegalArgumentException.class, () -> new Epilogue(new float[1], 1f, 0f));
    }
}
