package io.gradcam4j.keras;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Transpose;

/**
 * Runs a {@code channels_first} layer on the NHWC engine: its NCHW input is transposed to NHWC,
 * the layer runs, and a 4-D result is transposed back, so the layers around it see exactly the
 * tensors Keras would give them. {@code data_format} is a per-layer setting in Keras, and files
 * mix them.
 */
final class ChannelsFirst {
    private ChannelsFirst() {
    }

    /** @param flatOutput the layer's output is not an image (Flatten, global pooling): no transpose back */
    static Op wrap(Op layer, boolean flatOutput) {
        if (flatOutput) {
            return Chain.of(Transpose.nchwToNhwc(), layer);
        }
        return Chain.of(Transpose.nchwToNhwc(), layer, Transpose.nhwcToNchw());
    }
}
