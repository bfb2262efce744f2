package io.gradcam4j.keras.applications;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which Keras lists a functional model's layers ({@code model.layers}), which is the
 * order {@code save_weights} writes them and {@code load_weights} reads them back: by depth,
 * the length of the longest path from the layer to the output, deepest (the input) first; layers
 * of equal depth in the order a depth-first walk from the output, inputs of each layer taken in
 * call order, first reaches them. This is {@code map_graph} in keras/src/ops/function.py (Keras
 * 3) and {@code _map_graph_network} in tf.keras 2, for models whose layers are each called once.
 *
 * <p>It differs from the order of the Python code where a branch is written before a longer one
 * it joins: Xception's residual {@code conv2d} comes after the first separable convolutions of its
 * block, ResNet's {@code _0_conv} shortcut after the block's {@code _1_} and {@code _2_} layers.
 * Weights-only files are matched to the model layer by layer in this order.
 */
final class KerasLayerOrder {
    private final Map<String, List<String>> inbound;
    private final Map<String, Integer> walkIndex = new HashMap<>();
    private final List<String> postOrder = new ArrayList<>();

    private KerasLayerOrder(Map<String, List<String>> inbound) {
        this.inbound = inbound;
    }

    /**
     * @param inbound each layer's input layers in call order (none for the input layer)
     * @param output the model's output layer
     * @return the layers that lead to the output, in Keras's order
     */
    static List<String> of(Map<String, List<String>> inbound, String output) {
        KerasLayerOrder order = new KerasLayerOrder(inbound);
        order.walk(output);
        Map<String, Integer> depth = order.depths();
        List<String> layers = new ArrayList<>(order.postOrder);
        layers.sort(Comparator.<String>comparingInt(depth::get).reversed().thenComparing(order.walkIndex::get));
        return layers;
    }

    /** Depth-first from the output: numbers each layer when first reached, lists it once its inputs are done. */
    private void walk(String layer) {
        if (walkIndex.containsKey(layer)) {
            return;
        }
        walkIndex.put(layer, walkIndex.size());
        for (String in : inbound.get(layer)) {
            walk(in);
        }
        postOrder.add(layer);
    }

    /** Longest path to the output, found from the output backwards (each consumer before its inputs). */
    private Map<String, Integer> depths() {
        Map<String, Integer> depth = new HashMap<>();
        for (int i = postOrder.size() - 1; i >= 0; i--) {
            String layer = postOrder.get(i);
            int d = depth.computeIfAbsent(layer, k -> 0);
            for (String in : inbound.get(layer)) {
                depth.merge(in, d + 1, Math::max);
            }
        }
        return depth;
    }
}
