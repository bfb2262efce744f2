package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Dropout;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.Identity;
import io.gradcam4j.engine.ops.MatMul;

import java.util.List;

/**
 * The original class activation map (Zhou et al. 2016): for a network whose layer feeds global
 * average pooling and then one Dense layer that gives the output, the class's Dense weights are
 * the channel weights, {@code alpha_k = W[k, c]} (the bias is left out). Any other head is refused
 * with what was found instead: the weights mean nothing there. For such a head,
 * {@code dlogit_c/dA_ijk = W[k, c] / Z}, so CAM equals Grad-CAM of the logit up to the factor 1/Z.
 */
public final class Cam extends BaseCam {

    @Override
    public String name() {
        return "cam";
    }

    @Override
    protected double[] channelWeights(LayerInput in) {
        Graph graph = in.context().logitsGraph();
        Tensor kernel = denseKernelAfter(graph, in.layer());
        int k = in.channels();
        int classes = kernel.dim(1);
        if (kernel.dim(0) != k) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("cam: the Dense layer reads " + kernel.dim(0) + " values but layer '"
                    + in.layer() + "' has " + k + " channels");
        }
        double[] w = new double[k];
        for (int c = 0; c < k; c++) {
            w[c] = kernel.data()[c * classes + in.target().classIndex()];
        }
        return w;
    }

    /** The kernel of the Dense layer that the layer's global average pooling feeds, or a refusal naming what is there. */
    static Tensor denseKernelAfter(Graph graph, String layer) {
        Node n = onlyReader(graph, graph.node(layer), layer);
        n = skipPassThrough(graph, n, layer);
        if (!(n.op() instanceof GlobalPool2D pool) || pool.kind() != GlobalPool2D.Kind.AVERAGE) {
            throw refusal(layer, "it feeds '" + n.name() + "' (" + n.op().describe() + ")");
        }
        n = n == graph.output() ? n : skipPassThrough(graph, onlyReader(graph, n, layer), layer);
        Op op = n.op();
        Op first = op instanceof Chain chain ? chain.ops().get(0) : op;
        if (!(first instanceof MatMul dense)) {
            throw refusal(layer, "its global average pooling feeds '" + n.name() + "' (" + op.describe() + "), not a Dense layer");
        }
        if (n != graph.output()) {
            throw refusal(layer, "the Dense layer '" + n.name() + "' is followed by more layers");
        }
        return dense.kernel().value();
    }

    private static Node onlyReader(Graph graph, Node n, String layer) {
        List<Node> readers = graph.nodes().stream().filter(r -> r.inputs().contains(n)).toList();
        if (readers.size() != 1) {
            throw refusal(layer, "'" + n.name() + "' is read by " + readers.size() + " layers " + readers);
        }
        return readers.get(0);
    }

    private static Node skipPassThrough(Graph graph, Node n, String layer) {
        while ((n.op() instanceof Dropout || n.op() instanceof Identity) && n != graph.output()) {
            n = onlyReader(graph, n, layer);
        }
        return n;
    }

    private static io.gradcam4j.engine.errors.InvalidRequestException refusal(String layer, String found) {
        return new io.gradcam4j.engine.errors.InvalidRequestException("cam needs layer '" + layer + "' to feed GlobalAveragePooling2D and then "
                + "one Dense layer that gives the output (the head CAM's weights come from); " + found
                + ". Use gradcam, which equals CAM on such a head and works on any other");
    }
}
