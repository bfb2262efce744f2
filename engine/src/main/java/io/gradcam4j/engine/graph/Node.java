package io.gradcam4j.engine.graph;

import io.gradcam4j.engine.Op;

import java.util.List;

/**
 * One named vertex of a {@link Graph}: an op applied to the outputs of other nodes, or a graph
 * input (no op). Names are Keras layer names; a layer applied twice gets one node per call.
 */
public final class Node {
    private final String name;
    private final Op op;
    private final List<Node> inputs;

    Node(String name, Op op, List<Node> inputs) {
        this.name = name;
        this.op = op;
        this.inputs = List.copyOf(inputs);
    }

    public String name() {
        return name;
    }

    /** The computation, or {@code null} for a graph input. */
    public Op op() {
        return op;
    }

    public List<Node> inputs() {
        return inputs;
    }

    public boolean isInput() {
        return op == null;
    }

    @Override
    public String toString() {
        return name;
    }
}
