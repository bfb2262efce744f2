package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Op;

import java.util.Locale;

/**
 * The Keras activation functions by name, as written in a layer's {@code activation} field.
 * Each is an elementwise op except softmax. {@code linear} returns {@code null}: no op at all.
 */
public final class Activation {
    /** The activation names Keras files use that this engine runs. */
    public static final String SUPPORTED = "linear, relu, relu6, elu, selu, sigmoid, hard_sigmoid, tanh, "
            + "softmax, softplus, swish, silu, hard_swish, hard_silu";

    private Activation() {
    }

    /**
     * @param name a Keras activation name
     * @param keras3 whether the file was written by Keras 3, whose hard_sigmoid is relu6(x+3)/6
     *     instead of Keras 2's clip(0.2x+0.5, 0, 1)
     * @return the op, or {@code null} for {@code linear}
     */
    public static Op byName(String name, boolean keras3) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "linear": return null;
            case "relu": return Relu.plain();
            case "relu6": return Relu.relu6();
            case "elu": return new Elu(1f);
            case "selu": return new Selu();
            case "sigmoid": return new Sigmoid();
            case "hard_sigmoid": return keras3 ? HardSigmoid.keras3() : HardSigmoid.keras2();
            case "tanh": return new Tanh();
            case "softmax": return new Softmax();
            case "softplus": return new Softplus();
            case "swish":
            case "silu": return new Swish();
            case "hard_swish":
            case "hard_silu": return new HardSwish();
            default:
                throw new IllegalArgumentException("unsupported activation '" + name + "'; supported: " + SUPPORTED);
        }
    }
}
