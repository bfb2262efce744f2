package io.gradcam4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Some weights of a model given other values for a while, and put back when closed:
 * <pre>
 *   try (ReplacedWeights r = ReplacedWeights.replace(Map.of(kernel, randomKernel))) {
 *       ... run the model with the random kernel ...
 *   }   // the model has its own kernel again, even if the run failed
 * </pre>
 * The model-parameter randomisation test (Adebayo et al. 2018) explains one image again with
 * layers of the model re-drawn, and the model must come back unchanged afterwards.
 *
 * <p>Both swaps go through {@link Param#set}, so everything derived from a weight (the kernels
 * that inference folds with their bias and batch normalization, see {@code FusedLinear}) is
 * computed again from the value in place. Ops hold their {@link Param}s directly, so this is not a
 * copy of the model: while it is open, every user of the model sees the replaced values. Keep the
 * model to one thread meanwhile.
 */
public final class ReplacedWeights implements AutoCloseable {
    /** The original value of every weight replaced, in the order they were replaced. */
    private final List<Map.Entry<Param, Tensor>> originals = new ArrayList<>();
    private boolean closed;

    private ReplacedWeights() {
    }

    /**
     * Gives each weight its new value (same shape as the old one). When one of them is refused,
     * those already replaced are put back before the exception leaves.
     */
    public static ReplacedWeights replace(Map<Param, Tensor> newValues) {
        ReplacedWeights r = new ReplacedWeights();
        try {
            for (Map.Entry<Param, Tensor> e : newValues.entrySet()) {
                Param p = e.getKey();
                Tensor original = p.value();
                p.set(e.getValue());
                r.originals.add(Map.entry(p, original));
            }
        } catch (RuntimeException refused) {
            r.close();
            throw refused;
        }
        return r;
    }

    /** How many weights hold a replaced value. */
    public int size() {
        return closed ? 0 : originals.size();
    }

    /** Puts the original values back (last replaced first); closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = originals.size() - 1; i >= 0; i--) {
            originals.get(i).getKey().set(originals.get(i).getValue());
        }
    }
}
