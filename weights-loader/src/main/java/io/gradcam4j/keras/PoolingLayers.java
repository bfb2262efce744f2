package io.gradcam4j.keras;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.ops.AvgPool2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MaxPool2D;

import java.util.List;

/** The pooling layers: windowed (max, average) and global. */
final class PoolingLayers {
    static final List<KerasClass> CLASSES = List.of(
            KerasClass.of("MaxPooling2D", (c, w, o) ->
                    new MaxPool2D(c.positivePair("pool_size", 2), strides(c), padding(c))),
            KerasClass.of("AveragePooling2D", (c, w, o) ->
                    new AvgPool2D(c.positivePair("pool_size", 2), strides(c), padding(c))),
            KerasClass.of("GlobalAveragePooling2D", (c, w, o) -> global(c, GlobalPool2D.Kind.AVERAGE))
                    .withFlatOutput(),
            KerasClass.of("GlobalMaxPooling2D", (c, w, o) -> global(c, GlobalPool2D.Kind.MAX))
                    .withFlatOutput());

    private PoolingLayers() {
    }

    private static int[] strides(LayerConfig c) {
        // Pooling layers default their strides to the pool size.
        return c.has("strides") ? c.positivePair("strides", 1) : c.positivePair("pool_size", 2);
    }

    private static Padding padding(LayerConfig c) {
        return Padding.parse(c.string("padding", "valid"));
    }

    private static Op global(LayerConfig c, GlobalPool2D.Kind kind) {
        c.requireChannelsLast();
        return new GlobalPool2D(kind, c.bool("keepdims", false));
    }
}
