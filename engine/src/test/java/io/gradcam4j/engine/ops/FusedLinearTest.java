package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.gradcam4j.engine.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A linear op with bias, BatchNormalization and activation folded in must compute the same
 * function as the layers one after the other (within 1e-5 of the largest value: only rounding
 * differs), with the same input gradient, which finite differences confirm on their own.
 */
class FusedLinearTest {
    private static final double TOLERANCE = 1e-5;
    private final Random random = new Random(5);

    private Tensor rand(float lo, float hi, int... shape) {
        return GradientCheck.random(random, lo, hi, shape);
    }

    private BatchNorm norm(int c) {
        return GradientCheck.randomBatchNorm(random, c);
    }

    private record Case(String name, ChannelLinear linear, Tensor input) {
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("Conv2D 3x3 same", new Conv2D(new Param("kernel", rand(-1f, 1f, 3, 3, 4, 5), true),
                new int[] {1, 1}, new int[] {1, 1}, Padding.SAME), rand(-1f, 1f, 2, 7, 6, 4)));
        cases.add(new Case("Conv2D 3x3 strides 2 valid", new Conv2D(new Param("kernel", rand(-1f, 1f, 3, 3, 3, 4), true),
                new int[] {2, 2}, new int[] {1, 1}, Padding.VALID), rand(-1f, 1f, 1, 9, 8, 3)));
        cases.add(new Case("Conv2D 1x1", new Conv2D(new Param("kernel", rand(-1f, 1f, 1, 1, 6, 7), true),
                new int[] {1, 1}, new int[] {1, 1}, Padding.VALID), rand(-1f, 1f, 1, 5, 5, 6)));
        cases.add(new Case("DepthwiseConv2D multiplier 2", new DepthwiseConv2D(
                new Param("depthwise_kernel", rand(-1f, 1f, 3, 3, 3, 2), true), new int[] {1, 1}, new int[] {1, 1},
                Padding.SAME), rand(-1f, 1f, 1, 6, 5, 3)));
        cases.add(new Case("Dense", new MatMul(new Param("kernel", rand(-1f, 1f, 8, 5), true)), rand(-1f, 1f, 3, 8)));
        return cases;
    }

    private List<ElementwiseOp> activations() {
        List<ElementwiseOp> acts = new ArrayList<>();
        acts.add(null);
        acts.add(Relu.plain());
        acts.add(Relu.relu6());
        acts.add(new Relu(Float.POSITIVE_INFINITY, 0.1f, 0.2f));
        acts.add(new Sigmoid());
        acts.add(new Swish());
        return acts;
    }

    @Test
    void matchesTheLayersOneAfterTheOther() {
        for (Case c : cases()) {
            int ch = c.linear().outputChannels();
            for (boolean withBias : new boolean[] {false, true}) {
                for (boolean withNorm : new boolean[] {false, true}) {
                    for (ElementwiseOp act : activations()) {
                        Param bias = withBias ? new Param("bias", rand(-1f, 1f, ch), true) : null;
                        BatchNorm bn = withNorm ? norm(ch) : null;
                        String what = c.name() + (withBias ? " + bias" : "") + (withNorm ? " + BN" : "")
                                + (act != null ? " + " + act.describe() : "");
                        Op fused = new FusedLinear(c.linear(), bias, bn, act);
                        Op layers = Chain.of(c.linear(), bias != null ? new BiasAdd(bias) : null, bn, act);
                        compare(layers, fused, c.input(), what);
                    }
                }
            }
        }
    }

    private void compare(Op layers, Op fused, Tensor x, String what) {
        Step expected = layers.forward(new Tensor[] {x}, Mode.INFERENCE);
        Step actual = fused.forward(new Tensor[] {x}, Mode.INFERENCE);
        assertClose(expected.output(), actual.output(), TOLERANCE, what + ": output");
        Tensor dy = rand(-1f, 1f, expected.output().shape());
        assertClose(expected.backward().apply(dy, null)[0], actual.backward().apply(dy, null)[0], TOLERANCE,
                what + ": input gradient");
    }

    @Test
    void inputGradientMatchesFiniteDifferences() {
        // the activation's derivative at the recomputed pre-activation, and the folded kernel
        Case c = cases().get(0);
        int ch = c.linear().outputChannels();
        for (ElementwiseOp act : List.of(new Sigmoid(), new Swish())) {
            Op fused = new FusedLinear(c.linear(), new Param("bias", rand(-1f, 1f, ch), true), norm(ch), act);
            GradientCheck.assertMatchesFiniteDifferences(inputGradientOnly(fused), c.input());
        }
    }

    /** The op without weights, so that the check asks for the input gradient only. */
    private static Op inputGradientOnly(Op op) {
        return new Op() {
            @Override
            public Step forward(Tensor[] inputs, Mode mode) {
                Step s = op.forward(inputs, mode);
                return new Step(s.output(), (dy, weightGrads) -> s.backward().apply(dy, null));
            }

            @Override
            public String describe() {
                return op.describe();
            }
        };
    }

    @Test
    void followsWeightsChangedAfterTheFirstCall() {
        Case c = cases().get(0);
        int ch = c.linear().outputChannels();
        BatchNorm bn = norm(ch);
        Param bias = new Param("bias", rand(-1f, 1f, ch), true);
        Op fused = new FusedLinear(c.linear(), bias, bn, Relu.plain());
        Op layers = Chain.of(c.linear(), new BiasAdd(bias), bn, Relu.plain());
        compare(layers, fused, c.input(), "before");
        bn.params().get(0).set(rand(0.5f, 1.5f, ch));          // gamma replaced
        compare(layers, fused, c.input(), "after gamma was replaced");
        float[] k = c.linear().kernel().value().data();          // kernel changed in place, as optimizers do
        for (int i = 0; i < k.length; i++) {
            k[i] *= -0.5f;
        }
        c.linear().kernel().markChanged();
        compare(layers, fused, c.input(), "after an in-place kernel update");
    }

    /**
     * Without a normalization the folded convolution's only copy of the kernel is the packed one
     * it made: a kernel changed in place after the first call must be packed again, for the
     * output and for the input gradient.
     */
    @Test
    void packsTheKernelAgainWhenItChanges() {
        for (Case c : cases().subList(0, 3)) {   // the Conv2D cases
            Param bias = new Param("bias", rand(-1f, 1f, c.linear().outputChannels()), true);
            Op fused = new FusedLinear(c.linear(), bias, null, Relu.plain());
            Op layers = Chain.of(c.linear(), new BiasAdd(bias), Relu.plain());
            compare(layers, fused, c.input(), c.name() + " before");
            float[] k = c.linear().kernel().value().data();
            for (int i = 0; i < k.length; i++) {
                k[i] = -k[i] + 0.25f;
            }
            c.linear().kernel().markChanged();
            compare(layers, fused, c.input(), c.name() + " after an in-place kernel update");
        }
    }

    @Test
    void refusesTrainingAndWeightGradients() {
        Case c = cases().get(0);
        Op fused = new FusedLinear(c.linear(), null, norm(c.linear().outputChannels()), null);
        Tensor[] in = {c.input()};
        assertThrows(IllegalStateException.class, () -> fused.forward(in, Mode.training(1)));
        Step s = fused.forward(in, Mode.INFERENCE);
        assertThrows(IllegalStateException.class, () -> s.backward().apply(s.output(), new Gradients()));
    }

    /** Every linear op refuses a per-channel scale of another width than its output channels. */
    @Test
    void frozenRefusesAScaleOfAnotherWidth() {
        for (Case c : cases()) {
            float[] scale = new float[c.linear().outputChannels() + 1];
            assertThrows(IllegalArgumentException.class, () -> c.linear().frozen(scale), c.name());
        }
    }

    @Test
    void refusesANormalizationOfAnotherWidth() {
        Case c = cases().get(0);
        assertThrows(IllegalArgumentException.class,
                () -> new FusedLinear(c.linear(), null, norm(c.linear().outputChannels() + 1), null));
    }
}
