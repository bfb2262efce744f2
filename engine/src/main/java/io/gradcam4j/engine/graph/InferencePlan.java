package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.ops.BatchNorm;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.ChannelLinear;
import io.gradcam4j.engine.ops.ElementwiseOp;
import io.gradcam4j.engine.ops.FusedLinear;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a graph for inference: every convolution or Dense layer absorbs its bias and, when
 * they follow it with nothing else reading in between, a BatchNormalization layer and an
 * activation layer, as one {@link FusedLinear} node. Keras models are full of this pattern
 * (Xception: SeparableConv2D, BatchNormalization, Activation), and each absorbed layer saves a
 * pass over a whole activation tensor.
 *
 * <p>The merged node takes the name of the last layer it absorbed, so taps on that name still
 * work; layers named in {@code keep} (taps, the outputs) are never absorbed into a later one, so
 * their own outputs stay visible. Weights are shared with the original graph, not copied.
 */
final class InferencePlan {
    private final Graph graph;
    private final Set<String> keep;
    private final Map<Node, List<Node>> readers = new HashMap<>();   // one entry per input edge

    private InferencePlan(Graph graph, Set<String> keep) {
        this.graph = graph;
        this.keep = keep;
        for (Node n : graph.nodes()) {
            for (Node in : n.inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
    }

    /** The fused graph; {@code keep} names the nodes whose outputs must stay visible. */
    static Graph of(Graph graph, Set<String> keep) {
        return new InferencePlan(graph, keep).build();
    }

    private Graph build() {
        Map<Node, Node> rewritten = new HashMap<>();
        for (Node in : graph.inputs()) {
            rewritten.put(in, in);   // inputs keep their identity: callers pass tensors for them
        }
        for (Node n : graph.nodes()) {
            if (rewritten.containsKey(n)) {
                continue;   // an input, or absorbed into a group that starts earlier
            }
            List<Node> group = groupStartingAt(n);
            Node last = group.get(group.size() - 1);
            Op op = group.size() == 1 && !(foldable(n.op()) && endsWithBias(n.op())) ? n.op() : fuse(group);
            List<Node> args = new ArrayList<>();
            for (Node arg : n.inputs()) {
                args.add(rewritten.get(arg));
            }
            Node fused = new Node(last.name(), op, args);
            for (Node member : group) {
                rewritten.put(member, fused);
            }
        }
        List<Node> inputs = new ArrayList<>();
        for (Node in : graph.inputs()) {
            inputs.add(rewritten.get(in));
        }
        List<Node> outputs = new ArrayList<>();
        for (Node out : graph.outputs()) {
            outputs.add(rewritten.get(out));
        }
        return Graph.fused(inputs, outputs, graph.shared());
    }

    /**
     * {@code n}, followed by the BatchNormalization and then the activation it can absorb: each
     * the only reader of the one before, which is not kept.
     */
    private List<Node> groupStartingAt(Node n) {
        List<Node> group = new ArrayList<>(List.of(n));
        if (!foldable(n.op())) {
            return group;
        }
        boolean open = !endsWithActivation(n.op());   // an activation inside the layer ends the group
        Node next = onlyReader(n);
        if (open && next != null && next.op() instanceof BatchNorm) {
            group.add(next);
            next = onlyReader(next);
        }
        if (open && next != null && next.op() instanceof ElementwiseOp) {
            group.add(next);
        }
        return group;
    }

    /** The single node reading {@code n}'s output, if {@code n} may be absorbed into it. */
    private Node onlyReader(Node n) {
        List<Node> r = readers.getOrDefault(n, List.of());
        if (keep.contains(n.name()) || r.size() != 1 || graph.outputs().contains(n)) {
            return null;
        }
        Node m = r.get(0);
        return m.inputs().size() == 1 ? m : null;
    }

    /** An op of the shape [prefix..., linear, bias?, activation?] with one input. */
    private static boolean foldable(Op op) {
        List<Op> parts = parts(op);
        int i = parts.size() - 1;
        if (parts.get(i) instanceof ElementwiseOp) {
            i--;
        }
        if (i >= 0 && parts.get(i) instanceof BiasAdd) {
            i--;
        }
        return i >= 0 && parts.get(i) instanceof ChannelLinear;
    }

    private static boolean endsWithActivation(Op op) {
        List<Op> parts = parts(op);
        return parts.get(parts.size() - 1) instanceof ElementwiseOp;
    }

    private static boolean endsWithBias(Op op) {
        List<Op> parts = parts(op);
        return parts.get(parts.size() - 1) instanceof BiasAdd || endsWithActivation(op);
    }

    /** The group as [prefix..., FusedLinear]; the folded layer is shared with other plans. */
    private Op fuse(List<Node> group) {
        List<Op> prefix = new ArrayList<>(parts(group.get(0).op()));
        while (!(prefix.get(prefix.size() - 1) instanceof ChannelLinear)) {
            prefix.remove(prefix.size() - 1);   // activation and bias, folded below
        }
        prefix.remove(prefix.size() - 1);       // the linear op itself
        prefix.add(graph.shared().folds.computeIfAbsent(List.copyOf(group), InferencePlan::fold));
        return Chain.of(prefix.toArray(new Op[0]));
    }

    /** The linear op of the group's first layer with its bias, the normalization and the activation. */
    private static FusedLinear fold(List<Node> group) {
        List<Op> parts = new ArrayList<>(parts(group.get(0).op()));
        ElementwiseOp activation = null;
        BatchNorm norm = null;
        for (Node member : group.subList(1, group.size())) {
            if (member.op() instanceof BatchNorm bn) {
                norm = bn;
            } else {
                activation = (ElementwiseOp) member.op();
            }
        }
        if (parts.get(parts.size() - 1) instanceof ElementwiseOp own) {
            activation = own;
            parts.remove(parts.size() - 1);
        }
        Param bias = null;
        if (parts.get(parts.size() - 1) instanceof BiasAdd b) {
            bias = b.params().get(0);
            parts.remove(parts.size() - 1);
        }
        ChannelLinear linear = (ChannelLinear) parts.get(parts.size() - 1);
        return new FusedLinear(linear, bias, norm, activation);
    }

    private static List<Op> parts(Op op) {
        return op instanceof Chain chain ? chain.ops() : List.of(op);
    }
}
