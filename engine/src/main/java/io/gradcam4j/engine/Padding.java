package io.gradcam4j.engine;

import java.util.Locale;

/**
 * Keras/TensorFlow padding. {@code same} gives {@code ceil(in / stride)} outputs and, when the
 * total padding is odd, puts the extra row/column at the bottom/right (TF's rule, unlike
 * PyTorch's symmetric padding).
 */
public enum Padding {
    VALID, SAME;

    public static Padding parse(String keras) {
        switch (keras.toLowerCase(Locale.ROOT)) {
            case "valid": return VALID;
            case "same": return SAME;
            default: throw new IllegalArgumentException("unsupported padding '" + keras + "' (valid, same)");
        }
    }

    /** Output length along one axis for a window of {@code k} taps spaced {@code dilation} apart. */
    public int outputSize(int in, int k, int stride, int dilation) {
        int span = (k - 1) * dilation + 1;
        int out = this == SAME ? ceilDiv(in, stride) : ceilDiv(in - span + 1, stride);
        if (out <= 0) {
            throw new IllegalArgumentException("input length " + in + " is smaller than the window " + span
                    + " (valid padding)");
        }
        return out;
    }

    /** Padding before the first input element (top or left). */
    public int padBefore(int in, int k, int stride, int dilation) {
        if (this == VALID) {
            return 0;
        }
        int span = (k - 1) * dilation + 1;
        int out = ceilDiv(in, stride);
        int total = Math.max((out - 1) * stride + span - in, 0);
        return total / 2;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    public String keras() {
        return name().toLowerCase(Locale.ROOT);
    }
}
