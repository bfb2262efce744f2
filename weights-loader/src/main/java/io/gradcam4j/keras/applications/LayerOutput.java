package io.gradcam4j.keras.applications;

import java.util.Arrays;

/** The output of a layer while an architecture is being written: its layer name and shape (no batch). */
public record LayerOutput(String layer, int[] shape) {

    public int channels() {
        return shape[shape.length - 1];
    }

    @Override
    public String toString() {
        return layer + Arrays.toString(shape);
    }
}
