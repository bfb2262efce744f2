package io.gradcam4j.engine;

import java.util.IdentityHashMap;
import java.util.Map;

/** Accumulates dL/d(weight) per {@link Param} during a backward pass. */
public final class Gradients {
    private final Map<Param, Tensor> byParam = new IdentityHashMap<>();

    /** The accumulator for {@code p}, created as zeros on first use; backward rules add into it. */
    public Tensor of(Param p) {
        return byParam.computeIfAbsent(p, k -> Tensor.zerosLike(k.value()));
    }

    /** The gradient of {@code p}, or {@code null} when none was accumulated. */
    public Tensor get(Param p) {
        return byParam.get(p);
    }

    public Map<Param, Tensor> asMap() {
        return byParam;
    }
}
