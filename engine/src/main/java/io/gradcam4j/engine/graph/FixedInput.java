package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model input held at a fixed value: a model with several inputs (an image and, say, a vector
 * of metadata) is explained for its image, the other inputs given once. The held input becomes a
 * node that reads the remaining first input only for its batch size and outputs the value (a
 * batch of one) repeated for every item, so that methods running batches of perturbed images
 * need not know about it. No gradient flows from it to the image.
 */
final class FixedInput implements Op {
    private final Tensor value;

    private FixedInput(Tensor value) {
        if (value.rank() < 1 || value.dim(0) != 1) {
            throw new InvalidRequestException("a fixed input must be a batch of one (1, ...), got "
                    + Arrays.toString(value.shape()));
        }
        this.value = value.copy();
    }

    /** {@link Graph#withFixedInputs}: {@code graph} with the inputs named in {@code values} held. */
    static Graph hold(Graph graph, Map<String, Tensor> values) {
        if (values.isEmpty()) {
            return graph;
        }
        List<String> names = graph.inputs().stream().map(Node::name).toList();
        for (String name : values.keySet()) {
            if (!names.contains(name)) {
                throw new InvalidRequestException("the model has no input named '" + name + "'; its inputs: "
                        + String.join(", ", names));
            }
        }
        List<Node> remaining = graph.inputs().stream().filter(n -> !values.containsKey(n.name())).toList();
        if (remaining.isEmpty()) {
            throw new InvalidRequestException("every input of the model would be fixed; one must stay free for the image");
        }
        Map<Node, Node> copies = new HashMap<>();
        for (Node in : graph.inputs()) {
            if (values.containsKey(in.name())) {
                copies.put(in, new Node(in.name(), new FixedInput(values.get(in.name())), List.of(remaining.get(0))));
            }
        }
        for (Node n : graph.nodes()) {
            if (!n.isInput() && n.inputs().stream().anyMatch(copies::containsKey)) {
                List<Node> args = new ArrayList<>();
                for (Node arg : n.inputs()) {
                    args.add(copies.getOrDefault(arg, arg));
                }
                copies.put(n, new Node(n.name(), n.op(), args));
            }
        }
        List<Node> outputs = graph.outputs().stream().map(o -> copies.getOrDefault(o, o)).toList();
        return new Graph(remaining, outputs, graph.fusing(), graph.shared());
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor batchOf = inputs[0];
        // a fresh array each pass: the executor may recycle it after its last reader
        Tensor out = Tensor.repeat(value, batchOf.dim(0));
        return new Step(out, (dy, weightGrads) -> new Tensor[] {Tensor.zerosLike(batchOf)});
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = value.shape();
        s[0] = inputShapes[0][0];
        return s;
    }

    @Override
    public String describe() {
        return "fixed input " + Arrays.toString(value.shape());
    }
}
