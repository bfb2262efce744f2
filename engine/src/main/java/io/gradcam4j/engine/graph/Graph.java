package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.Workspace;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A directed acyclic graph of named nodes, like a Keras functional model: a node may take
 * several inputs and its output may feed many nodes. A model may have several inputs and several
 * outputs (heads); {@link #output()} is the first output, the one the explanation methods explain,
 * and {@link #withOutput} views the same nodes with another head as the output.
 *
 * <p>{@link #predict} runs inference and frees each activation once its last consumer has run.
 * {@link #record} also keeps, for the nodes between the tapped nodes and the output only, the
 * closures that send a gradient back, so that a Grad-CAM costs one forward pass plus a backward
 * pass through the head. Both run inference on an {@link #inferencePlan} of the graph, with
 * batch normalization and activations folded into the convolutions; training runs the nodes as
 * they are.
 */
public final class Graph {
    private final List<Node> inputs;
    private final List<Node> outputs;            // the model's outputs, in Keras order
    private final List<Node> order;              // topological order of the ancestors of the outputs
    private final Map<String, Node> byName;
    /** Whether inference runs an {@link InferencePlan} of this graph instead of the graph itself. */
    private final boolean fusing;
    /** Inference plans by the node names they keep visible (taps and output). */
    private final Map<Set<String>, Graph> plans = new java.util.concurrent.ConcurrentHashMap<>();
    /** {@link #withoutFinalActivation}, made once: it keeps its own plans. */
    private volatile Optional<Graph> logits;
    /** {@link #withOutput} by output name, each made once: each keeps its own plans. */
    private final Map<String, Graph> heads = new java.util.concurrent.ConcurrentHashMap<>();
    /** What all views of one model share (plans, logits graph, without fusion). */
    private final Shared shared;

    /**
     * Shared by the graphs made from one model's nodes: the arrays reused across runs, and the
     * folded layers, so that two plans (predict, a Grad-CAM tap) hold one folded copy of a kernel.
     */
    static final class Shared {
        final Workspace workspace = new Workspace();
        final Map<List<Node>, io.gradcam4j.engine.ops.FusedLinear> folds = new java.util.concurrent.ConcurrentHashMap<>();
    }

    private Graph(List<Node> inputs, List<Node> outputs) {
        this(inputs, outputs, true, new Shared());
    }

    Graph(List<Node> inputs, Node output, boolean fusing, Shared shared) {
        this(inputs, List.of(output), fusing, shared);
    }

    Graph(List<Node> inputs, List<Node> outputs, boolean fusing, Shared shared) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("a graph needs at least one output");
        }
        this.fusing = fusing;
        this.shared = shared;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(new java.util.LinkedHashSet<>(outputs));   // an output listed twice is one head
        this.order = topologicalOrder(this.outputs);
        this.byName = new LinkedHashMap<>();
        for (Node n : order) {
            if (byName.put(n.name(), n) != null) {
                throw new IllegalArgumentException("two nodes are named '" + n.name() + "'");
            }
        }
        for (Node in : inputs) {
            if (!in.isInput()) {
                throw new IllegalArgumentException("'" + in.name() + "' is not an input node");
            }
        }
        for (Node n : order) {
            if (n.isInput() && !this.inputs.contains(n)) {
                throw new IllegalArgumentException("the output depends on input '" + n.name()
                        + "' which is not among the graph inputs " + this.inputs);
            }
        }
    }

    /** A graph built by {@link InferencePlan}: it runs as it is. */
    static Graph fused(List<Node> inputs, List<Node> outputs, Shared shared) {
        return new Graph(inputs, outputs, false, shared);
    }

    Shared shared() {
        return shared;
    }

    /** Whether inference runs an {@link InferencePlan} (see {@link #withoutFusion}). */
    boolean fusing() {
        return fusing;
    }

    /**
     * The same nodes, run layer by layer at inference too: no batch normalization or activation
     * folded into the layer before it. For comparisons and for looking for a fault in the fusion.
     */
    public Graph withoutFusion() {
        return new Graph(inputs, outputs, false, shared);
    }

    /**
     * The graph that inference with these taps runs: convolution and Dense layers with their
     * bias, BatchNormalization and activation folded in (see {@link InferencePlan}). The tapped
     * nodes and the output keep their names and values. Built once per set of taps.
     */
    public Graph inferencePlan(Collection<String> taps) {
        if (!fusing) {
            return this;
        }
        Set<String> keep = new HashSet<>();
        for (String t : taps) {
            keep.add(node(t).name());   // unknown names fail here, listing the valid ones
        }
        for (Node o : outputs) {
            keep.add(o.name());
        }
        return plans.computeIfAbsent(Set.copyOf(keep), k -> InferencePlan.of(this, k));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects nodes; the graph is what the chosen outputs depend on. */
    public static final class Builder {
        private final List<Node> inputs = new ArrayList<>();

        public Node input(String name) {
            Node n = new Node(name, null, List.of());
            inputs.add(n);
            return n;
        }

        public Node add(String name, Op op, Node... from) {
            if (from.length == 0) {
                throw new IllegalArgumentException("node '" + name + "' has no inputs");
            }
            return new Node(name, op, List.of(from));
        }

        public Graph build(Node output) {
            return new Graph(inputs, List.of(output));
        }

        /** A graph with several outputs (heads), in this order; the first is {@link Graph#output()}. */
        public Graph build(List<Node> outputs) {
            return new Graph(inputs, outputs);
        }
    }

    public List<Node> inputs() {
        return inputs;
    }

    /** The output the explanation methods explain: the first of {@link #outputs()}. */
    public Node output() {
        return outputs.get(0);
    }

    /** Every output (head) of the model, in Keras order. */
    public List<Node> outputs() {
        return outputs;
    }

    /**
     * The same nodes with only the output called {@code name}: the head to explain or predict
     * when a model has several. Made once per name, so it keeps its inference plans; this graph
     * itself when that is its only output.
     */
    public Graph withOutput(String name) {
        Node head = outputs.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new io.gradcam4j.engine.errors.InvalidRequestException("the model has no output named '"
                        + name + "'; its outputs: " + outputs.stream().map(Node::name).collect(Collectors.joining(", "))));
        if (outputs.size() == 1) {
            return this;
        }
        return heads.computeIfAbsent(name, k -> new Graph(inputs, List.of(head), fusing, shared));
    }

    /**
     * This graph with the inputs named in {@code values} held at those values (each a batch of
     * one, repeated for every item of a batch): what a method explains when a model has several
     * inputs and only one of them is the image. The remaining inputs stay inputs, in order; the
     * nodes that read a held input are copied, the others shared. See {@link FixedInput}.
     */
    public Graph withFixedInputs(Map<String, Tensor> values) {
        return FixedInput.hold(this, values);
    }

    /**
     * A graph whose output is {@code op} applied to this graph's output, as a node called
     * {@code name}: a score made from a model's output that the model does not compute itself
     * (the sum of a feature extractor's features).
     */
    public Graph then(String name, Op op) {
        Node last = new Node(name, op, List.of(output()));
        return new Graph(inputs, List.of(last), fusing, shared);
    }

    /** All nodes in the order they run. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(order);
    }

    /** The node called {@code name}; an unknown name lists the valid ones. */
    public Node node(String name) {
        Node n = byName.get(name);
        if (n == null) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("no layer named '" + name + "'; layers: "
                    + String.join(", ", byName.keySet()));
        }
        return n;
    }

    /** Every distinct weight of the graph, in node order. */
    public List<Param> params() {
        Set<Param> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Param> all = new ArrayList<>();
        for (Node n : order) {
            if (!n.isInput()) {
                for (Param p : n.op().params()) {
                    if (seen.add(p)) {
                        all.add(p);
                    }
                }
            }
        }
        return all;
    }

    /** Inference: the output for the given inputs (one per graph input, in order). */
    public Tensor predict(Tensor... in) {
        return record(in, Mode.INFERENCE, List.of(), false).output();
    }

    /** Inference: every output by name, in the order of {@link #outputs()}, from one pass. */
    public Map<String, Tensor> predictAll(Tensor... in) {
        return record(in, Mode.INFERENCE, List.of(), false).outputs();
    }

    /**
     * Runs the forward pass and records what a later backward pass needs.
     *
     * @param in one tensor per graph input
     * @param taps names of nodes whose outputs to keep and whose gradients {@link Recording#backward}
     *     returns; graph inputs may be tapped too
     * @param weightGradients whether backward passes will also compute weight gradients (training)
     */
    public Recording record(Tensor[] in, Mode mode, Collection<String> taps, boolean weightGradients) {
        if (fusing && !mode.training() && !weightGradients) {
            return inferencePlan(taps).record(in, mode, taps, false);
        }
        return new GraphExecutor(this).run(in, mode, taps, weightGradients, (node, value) -> { });
    }

    /**
     * Inference as {@link #predict} runs it, timing each node: the nanoseconds from the end of the
     * node before to the end of this one (so freeing the inputs a node was the last to read counts
     * for that node), in the order they ran. For {@code gradcam bench --layers}.
     */
    public Map<Node, Long> layerTimes(Tensor... in) {
        Graph plan = fusing ? inferencePlan(List.of()) : this;
        Map<Node, Long> times = new LinkedHashMap<>();
        long[] previous = {System.nanoTime()};
        new GraphExecutor(plan).run(in, Mode.INFERENCE, List.of(), false, (node, value) -> {
            long now = System.nanoTime();
            if (!node.isInput()) {
                times.put(node, now - previous[0]);
            }
            previous[0] = now;
        });
        return times;
    }

    /**
     * The output shape of every node for these inputs, from each op's {@link Op#outputShape}
     * without computing anything; when an op cannot tell (a registered Lambda), by one inference
     * pass instead. Used for summaries and to find the last spatial layer.
     */
    public Map<String, int[]> outputShapes(Tensor... in) {
        return ShapeInference.outputShapes(this, in);
    }

    /**
     * Refuses, before running, inputs for which one activation of this graph would not fit in
     * {@code bytes} (the largest output, from the ops' shape inference, times three: a layer's
     * input, its output and a padded or temporary copy are alive together). A model that declares a
     * 100000-pixel Resizing or input must fail here with a message, not after minutes of paging.
     * When an op cannot tell its shape (a registered Lambda) nothing is checked: finding out would
     * mean running the model once more before every explanation.
     */
    public void requireActivationsFit(long bytes, Tensor... in) {
        Map<String, int[]> shapes = ShapeInference.staticShapes(this, in);
        if (shapes == null) {
            return;
        }
        String largest = null;
        long floats = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            long n = 1;
            for (int d : e.getValue()) {
                n *= Math.max(d, 1);
            }
            if (n > floats) {
                floats = n;
                largest = e.getKey();
            }
        }
        if (floats * 4 * 3 > bytes) {
            throw new io.gradcam4j.engine.errors.ResourceLimitException("layer '" + largest + "' would output " + floats + " values ("
                    + floats * 4 / (1 << 20) + " MB); with its input and a copy that is more than the "
                    + bytes / (1 << 20) + " MB available (give the JVM more heap with -Xmx, or a smaller batch)");
        }
    }

    /**
     * When the output ends in a softmax or sigmoid (a layer of its own, or a Dense/Conv
     * activation), the same graph with that last activation removed: its output is the logits.
     * Empty otherwise. The nodes and weights are shared, not copied (see {@link ModelHead}).
     */
    public Optional<Graph> withoutFinalActivation() {
        Optional<Graph> g = logits;
        if (g == null) {
            g = ModelHead.logitsGraph(this);
            logits = g;
        }
        return g;
    }

    /**
     * The final softmax or sigmoid that {@link #withoutFinalActivation} removes (the output op, or
     * the last op of its chain), to apply to the logits; empty when there is none.
     */
    public Optional<Op> finalActivation() {
        return ModelHead.finalActivation(this);
    }

    /**
     * The part of this graph that runs after {@code layer}, to run it again from a replaced value
     * of that layer (Ablation-CAM): see {@link Downstream}.
     */
    public Downstream downstreamOf(String layer) {
        return Downstream.of(this, node(layer));
    }


    private static List<Node> topologicalOrder(List<Node> outputs) {
        List<Node> order = new ArrayList<>();
        Set<Node> done = new HashSet<>();
        Set<Node> active = new HashSet<>();
        // Iterative depth-first search: deep graphs (ResNet-152) must not overflow the stack.
        List<Object[]> stack = new ArrayList<>();
        for (int i = outputs.size() - 1; i >= 0; i--) {
            stack.add(new Object[] {outputs.get(i), 0});   // the first output on top: its nodes run first
        }
        while (!stack.isEmpty()) {
            Object[] top = stack.get(stack.size() - 1);
            Node n = (Node) top[0];
            int next = (Integer) top[1];
            if (next == 0) {
                if (done.contains(n)) {
                    stack.remove(stack.size() - 1);
                    continue;
                }
                active.add(n);
            }
            if (next < n.inputs().size()) {
                top[1] = next + 1;
                Node child = n.inputs().get(next);
                if (active.contains(child)) {
                    throw new IllegalArgumentException("the graph has a cycle through '" + child.name() + "'");
                }
                if (!done.contains(child)) {
                    stack.add(new Object[] {child, 0});
                }
            } else {
                active.remove(n);
                done.add(n);
                order.add(n);
                stack.remove(stack.size() - 1);
            }
        }
        return order;
    }

    @Override
    public String toString() {
        return order.stream().map(n -> n.name() + (n.isInput() ? "" : " = " + n.op().describe()))
                .collect(Collectors.joining("\n"));
    }
}
