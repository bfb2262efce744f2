package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Backward;
import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The result of {@link Graph#record}: the outputs, the tapped activations, and the backward
 * rules of the nodes between the taps and the output (the first output, where a backward pass
 * starts). {@link #backward} can run several times
 * (one per explained class) on the same recording: the forward pass is shared.
 */
public final class Recording {
    private final Node outputNode;
    private final Set<Node> tapped;
    private final Set<Node> recorded;
    private final Map<Node, Tensor> tapValues = new LinkedHashMap<>();
    private final Map<Node, Backward> rules = new HashMap<>();
    private final List<Node> recordedInOrder = new java.util.ArrayList<>();
    private Map<String, Tensor> outputs;

    Recording(Node outputNode, Set<Node> tapped, Set<Node> recorded) {
        this.outputNode = outputNode;
        this.tapped = tapped;
        this.recorded = recorded;
    }

    void keepIfTapped(Node n, Tensor value) {
        if (tapped.contains(n)) {
            tapValues.put(n, value);
        }
    }

    void keepBackward(Node n, Backward rule) {
        rules.put(n, rule);
        recordedInOrder.add(n);
    }

    void setOutputs(Map<String, Tensor> outputs) {
        this.outputs = java.util.Collections.unmodifiableMap(outputs);
    }

    /** The value of the graph's output ({@link Graph#output()}), where {@link #backward} starts. */
    public Tensor output() {
        return outputs.get(outputNode.name());
    }

    /** Every output of the graph by name, in the order of {@link Graph#outputs()}. */
    public Map<String, Tensor> outputs() {
        return outputs;
    }

    /** The output of a tapped node. */
    public Tensor value(String name) {
        for (Map.Entry<Node, Tensor> e : tapValues.entrySet()) {
            if (e.getKey().name().equals(name)) {
                return e.getValue();
            }
        }
        throw new IllegalArgumentException("'" + name + "' was not tapped; tapped: " + tapValues.keySet());
    }

    /** Gradients of L at the tapped nodes, where dL/d(output) = {@code gradOutput}; no weight gradients. */
    public Map<String, Tensor> backward(Tensor gradOutput) {
        return backward(gradOutput, (Gradients) null);
    }

    /**
     * Gradients at the tapped nodes under other backward rules: guided backpropagation, deconvnet
     * or a listener of the bias gradients (see {@link BackwardRules}).
     */
    public Map<String, Tensor> backward(Tensor gradOutput, BackwardRules rules) {
        return rules.during(() -> backward(gradOutput, (Gradients) null));
    }

    /**
     * Sends {@code gradOutput} back through the recorded nodes and returns the gradient at each
     * tapped node (zeros when the output does not depend on it). Weight gradients are added to
     * {@code weightGrads} when it is not null and the recording was made with weight gradients.
     */
    public Map<String, Tensor> backward(Tensor gradOutput, Gradients weightGrads) {
        gradOutput.requireShape(output().shape(), "the output gradient");
        Map<Node, Tensor> grads = new HashMap<>();
        grads.put(outputNode, gradOutput);
        for (int k = recordedInOrder.size() - 1; k >= 0; k--) {
            Node n = recordedInOrder.get(k);
            Tensor g = tapped.contains(n) ? grads.get(n) : grads.remove(n);
            if (g == null) {
                continue;   // the output does not depend on this node
            }
            Tensor[] inputGrads = rules.get(n).apply(g, weightGrads);
            for (int i = 0; i < inputGrads.length; i++) {
                Node arg = n.inputs().get(i);
                if (tapped.contains(arg) || recorded.contains(arg)) {
                    grads.merge(arg, inputGrads[i], Recording::sum);
                }
            }
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (Node t : tapped) {
            Tensor g = grads.get(t);
            result.put(t.name(), g != null ? g : Tensor.zerosLike(tapValues.get(t)));
        }
        return result;
    }

    /** A fresh sum: gradients may be shared tensors (Add passes one tensor to all inputs). */
    private static Tensor sum(Tensor a, Tensor b) {
        Tensor s = a.copy();
        float[] sd = s.data();
        float[] bd = b.data();
        for (int i = 0; i < sd.length; i++) {
            sd[i] += bd[i];
        }
        return s;
    }
}
