package io.gradcam4j.keras;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Transpose;

import java.util.Set;

/**
 * Runs a {@code channels_first} layer on the NHWC engine: its NCHW input is transposed to NHWC,
 * the layer runs, and a 4-D result is transposed back, so the layers around it see exactly the
 * tensors Keras would give them. {@code data_format} is a per-layer setting in Keras, and files
 * mix them.
 */
final class ChannelsFirst {
    /** Layers whose output is not an image: no transpose back. */
    private static final Set<String> FLAT_OUTPUT = Set.of("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D");

    private ChannelsFirst() {
    }

    static Op wrap(String className, Op layer) {
        if (FLAT_OUTPUT.contains(className)) {
            return Chain.of(Transpose.nchwToNhwc(), layer);
        }
        return Chain.of(Transpose.nchwToNhwc(), layer, Transpose.nhwcToNchw());
    }
}
