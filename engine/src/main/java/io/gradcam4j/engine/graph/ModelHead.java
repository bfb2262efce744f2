package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Sigmoid;
import io.gradcam4j.engine.ops.Softmax;

import java.util.List;
import java.util.Optional;

/**
 * Where a classifier's scores are read: the final softmax or sigmoid of the graph's output (a
 * layer of its own, or the activation of the last Dense/Conv layer) and the same graph without
 * it, whose output is the logits. Explanations run the logits graph and apply the final
 * activation themselves, so that a logit and a probability come from one forward pass.
 *
 * <p>A sigmoid's logits go through {@link SigmoidClasses}: a one-unit sigmoid (a binary
 * classifier) has two classes, "not class 1" (-z) and class 1 (z), and its final sigmoid then
 * gives (1 - p, p). A model with several outputs is read at its first output ({@link
 * Graph#output()}); {@link Graph#withOutput} chooses another.
 */
final class ModelHead {

    private ModelHead() {
    }

    static Optional<Graph> logitsGraph(Graph graph) {
        Node output = graph.output();
        Op op = output.op();
        if (op == null) {
            return Optional.empty();
        }
        Node logits;
        Op last;
        if (isSquashing(op) && output.inputs().size() == 1) {
            logits = output.inputs().get(0);
            last = op;
        } else if (op instanceof Chain chain && isSquashing(chain.ops().get(chain.ops().size() - 1))) {
            List<Op> rest = chain.ops().subList(0, chain.ops().size() - 1);
            logits = new Node(output.name(), Chain.of(rest.toArray(new Op[0])), output.inputs());
            last = chain.ops().get(chain.ops().size() - 1);
        } else {
            return Optional.empty();
        }
        if (last instanceof Sigmoid) {
            logits = new Node(output.name() + "/classes", new SigmoidClasses(), List.of(logits));
        }
        return Optional.of(new Graph(graph.inputs(), logits, graph.fusing(), graph.shared()));
    }

    static Optional<Op> finalActivation(Graph graph) {
        Op op = graph.output().op();
        if (op instanceof Chain chain) {
            op = chain.ops().get(chain.ops().size() - 1);
        }
        return op != null && isSquashing(op) ? Optional.of(op) : Optional.empty();
    }

    private static boolean isSquashing(Op op) {
        return op instanceof Softmax || op instanceof Sigmoid;
    }
}
