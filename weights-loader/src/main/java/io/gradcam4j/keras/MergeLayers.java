package io.gradcam4j.keras;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.ops.Add;
import io.gradcam4j.engine.ops.Concatenate;
import io.gradcam4j.engine.ops.Multiply;

import java.util.List;

/** The layers that join several inputs into one: Add, Multiply, Concatenate, and Keras 1's Merge. */
final class MergeLayers {
    static final List<KerasClass> CLASSES = List.of(
            KerasClass.of("Add", (c, w, o) -> new Add()),
            KerasClass.of("Multiply", (c, w, o) -> new Multiply()),
            KerasClass.of("Concatenate", (c, w, o) -> new Concatenate(c.integer("axis", -1))),
            KerasClass.of("Merge", (c, w, o) -> keras1Merge(c)));

    private MergeLayers() {
    }

    /** Keras 1's Merge layer, by mode. */
    private static Op keras1Merge(LayerConfig c) {
        String mode = c.string("mode", "sum");
        return switch (mode) {
            case "sum" -> new Add();
            case "mul" -> new Multiply();
            case "concat" -> new Concatenate(c.integer("concat_axis", -1));
            default -> throw c.unsupported("Merge mode '" + mode + "' is not supported (sum, mul, concat)");
        };
    }
}
