package io.gradcam4j.engine;

import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BatchNorm;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Weights replaced for a while: the model runs with the new values (also where inference folds a
 * convolution with its bias, batch normalization and relu) and is bit for bit itself again once
 * they are put back.
 */
class ReplacedWeightsTest {
    private final Random random = new Random(5);

    private Param param(String name, int... shape) {
        return new Param(name, GradientCheck.random(random, -1f, 1f, shape), true);
    }

    /** conv 3x3 (folded at inference with its bias, a batch normalization and a relu) -> GAP -> dense. */
    private record Net(Graph graph, Param kernel, Param gamma, Param dense) {
    }

    private Net net() {
        Param kernel = param("kernel", 3, 3, 2, 4);
        Param gamma = new Param("gamma", Tensor.of(new float[] {1.5f, 0.5f, 1f, 2f}, 4), true);
        Param dense = param("kernel", 4, 3);
        Graph.Builder b = Graph.builder();
        Node x = b.input("x");
        Node conv = b.add("conv", Chain.of(new Conv2D(kernel, new int[] {1, 1}, new int[] {1, 1}, Padding.SAME),
                new BiasAdd(param("bias", 4))), x);
        Node bn = b.add("bn", new BatchNorm(gamma, param("beta", 4), param("moving_mean", 4),
                new Param("moving_variance", Tensor.of(new float[] {1f, 2f, 0.5f, 1f}, 4), false), 1e-3f, 0.99f), conv);
        Node relu = b.add("relu", Relu.plain(), bn);
        Node gap = b.add("gap", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), relu);
        Node out = b.add("dense", Chain.of(new MatMul(dense), new BiasAdd(param("bias", 3))), gap);
        return new Net(b.build(out), kernel, gamma, dense);
    }

    @Test
    void theModelRunsWithTheNewValuesAndIsItselfAgainAfterwards() {
        Net n = net();
        Tensor x = GradientCheck.random(random, -1f, 1f, 1, 6, 5, 2);
        float[] before = n.graph().predict(x).data();
        Tensor originalKernel = n.kernel().value();
        Tensor newKernel = GradientCheck.random(random, -1f, 1f, 3, 3, 2, 4);
        Tensor newGamma = Tensor.of(new float[] {-1f, 3f, 0.25f, 1f}, 4);
        Map<Param, Tensor> values = new LinkedHashMap<>();
        values.put(n.kernel(), newKernel);
        values.put(n.gamma(), newGamma);
        float[] replaced;
        try (ReplacedWeights r = ReplacedWeights.replace(values)) {
            assertEquals(2, r.size());
            assertSame(newKernel, n.kernel().value());
            replaced = n.graph().predict(x).data();
            // the folded inference plan must agree with the layers run one by one on the new values
            assertArrayEquals(n.graph().withoutFusion().predict(x).data(), replaced, 1e-5f);
        }
        assertFalse(java.util.Arrays.equals(before, replaced), "the new kernel changes the output");
        assertSame(originalKernel, n.kernel().value());
        assertArrayEquals(before, n.graph().predict(x).data(), "the original output, bit for bit");
    }

    @Test
    void aRefusedValuePutsBackThoseAlreadyReplaced() {
        Net n = net();
        Tensor originalKernel = n.kernel().value();
        Map<Param, Tensor> values = new LinkedHashMap<>();
        values.put(n.kernel(), Tensor.zeros(3, 3, 2, 4));
        values.put(n.dense(), Tensor.zeros(5, 3));   // wrong shape: (4, 3) expected
        assertThrows(IllegalArgumentException.class, () -> ReplacedWeights.replace(values));
        assertSame(originalKernel, n.kernel().value(), "the kernel replaced first is back");
    }

    @Test
    void closingTwiceRestoresOnce() {
        Net n = net();
        Tensor originalKernel = n.kernel().value();
        ReplacedWeights r = ReplacedWeights.replace(Map.of(n.kernel(), Tensor.zeros(3, 3, 2, 4)));
        r.close();
        Tensor other = Tensor.zeros(3, 3, 2, 4);
        n.kernel().set(other);   // a later change by someone else is not undone by a second close
        r.close();
        assertSame(other, n.kernel().value());
        assertEquals(0, r.size());
        n.kernel().set(originalKernel);
    }
}
