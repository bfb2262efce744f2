package io.gradcam4j.engine;

import java.util.function.Supplier;

/**
 * What one backward pass does besides the plain chain rule: the {@link ReluRule} of the ReLU
 * family, and who hears the gradients at the biases (FullGrad). Set for the duration of one
 * backward pass with {@link #during}, on the thread that runs it (the backward closures read
 * {@link #current()} there; kernels they hand to other threads never do).
 *
 * @param relu the ReLU family's rule
 * @param biases the listener of bias gradients, or {@code null}; a folded layer refuses to run
 *     backward while one is set (run {@code Graph.withoutFusion()}: folding merges the biases)
 */
public record BackwardRules(ReluRule relu, BiasGradientListener biases) {
    public static final BackwardRules STANDARD = new BackwardRules(ReluRule.STANDARD, null);

    private static final ThreadLocal<BackwardRules> CURRENT = ThreadLocal.withInitial(() -> STANDARD);

    public BackwardRules {
        if (relu == null) {
            throw new IllegalArgumentException("a ReLU rule is required");
        }
    }

    public static BackwardRules relu(ReluRule rule) {
        return new BackwardRules(rule, null);
    }

    public static BackwardRules hearingBiases(BiasGradientListener listener) {
        return new BackwardRules(ReluRule.STANDARD, listener);
    }

    /** The rules of the backward pass running on this thread ({@link #STANDARD} outside one). */
    public static BackwardRules current() {
        return CURRENT.get();
    }

    /** Runs {@code backward} with these rules in force on this thread. */
    public <T> T during(Supplier<T> backward) {
        BackwardRules before = CURRENT.get();
        CURRENT.set(this);
        try {
            return backward.get();
        } finally {
            CURRENT.set(before);
        }
    }
}
