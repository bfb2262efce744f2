package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Backward;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Ops applied one after the other, as one node: how a Keras layer such as Conv2D (convolution,
 * bias, activation) or SeparableConv2D (depthwise, pointwise, bias, activation) is built from
 * primitive ops, reusing their gradient rules. The first op may take several inputs.
 */
public final class Chain implements Op {
    private final List<Op> ops;

    public Chain(List<Op> ops) {
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one op");
        }
        this.ops = List.copyOf(ops);
    }

    /** Chains the given ops, dropping {@code null}s (an absent bias or a linear activation). */
    public static Op of(Op... ops) {
        List<Op> present = new ArrayList<>();
        for (Op op : ops) {
            if (op != null) {
                present.add(op);
            }
        }
        return present.size() == 1 ? present.get(0) : new Chain(present);
    }

    public List<Op> ops() {
        return ops;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Backward[] rules = new Backward[ops.size()];
        List<Tensor> temporaries = new ArrayList<>();
        Tensor[] current = inputs;
        for (int i = 0; i < ops.size(); i++) {
            Step step = ops.get(i).forward(current, mode);
            rules[i] = step.backward();
            temporaries.addAll(step.temporaries());
            if (i < ops.size() - 1) {
                temporaries.add(step.output());
            }
            current = new Tensor[] {step.output()};
        }
        return new Step(current[0], (gradOut, weightGrads) -> {
            Tensor[] grads = {gradOut};
            for (int i = rules.length - 1; i >= 0; i--) {
                grads = rules[i].apply(grads[0], weightGrads);
            }
            return grads;
        }, temporaries);
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Op op : ops) {
            all.addAll(op.params());
        }
        return all;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[][] current = inputShapes;
        for (Op op : ops) {
            int[] s = op.outputShape(current);
            if (s == null) {
                return null;
            }
            current = new int[][] {s};
        }
        return current[0];
    }

    @Override
    public String describe() {
        return ops.stream().map(Op::describe).collect(Collectors.joining(" -> "));
    }
}
