package io.gradcam4j.cli;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.DepthwiseConv2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.keras.KerasModel;

import java.util.Map;

/**
 * Multiply-adds of a model's convolutions and dense layers for a batch-1 input: for each
 * kernel, its size times the output pixels it is applied to (depthwise: kernel size times output
 * pixels). What GFLOP/s figures are computed from (2 FLOPs per multiply-add).
 */
final class MultiplyAdds {
    private MultiplyAdds() {
    }

    static double count(KerasModel model) {
        Map<String, int[]> shapes = model.outputShapes();
        double total = 0;
        for (Node n : model.graph().nodes()) {
            if (n.isInput()) {
                continue;
            }
            int[] out = shapes.get(n.name());
            long pixels = 1;                       // all axes but the batch and the channels
            for (int i = 1; i < out.length - 1; i++) {
                pixels *= out[i];
            }
            total += ofOp(n.op(), pixels);
        }
        return total;
    }

    private static double ofOp(Op op, long pixels) {
        if (op instanceof Chain chain) {
            double sum = 0;
            for (Op o : chain.ops()) {
                sum += ofOp(o, pixels);
            }
            return sum;
        }
        if (op instanceof Conv2D || op instanceof DepthwiseConv2D || op instanceof MatMul) {
            Param kernel = op.params().get(0);
            return (double) kernel.value().size() * pixels;
        }
        return 0;
    }
}
