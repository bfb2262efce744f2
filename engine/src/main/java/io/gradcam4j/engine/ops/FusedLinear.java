package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Epilogue;
import io.gradcam4j.engine.kernels.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear op (Conv2D, DepthwiseConv2D, Dense) with what follows it in a Keras model folded in,
 * for inference: its bias, a BatchNormalization and an elementwise activation. With the
 * normalization written as {@code x * s + t} per channel,
 * {@code act(BN(conv(x, W) + b)) = act(conv(x, W * s) + (b * s + t))}: the kernel is scaled and
 * handed to the op's {@link ChannelLinear#frozen frozen} form once (and again only when a weight
 * changes), which for a convolution also packs it as the kernels read it. Bias and a relu or
 * relu6 are applied as a convolution's register tiles are stored, and in one pass over the output
 * for DepthwiseConv2D and Dense; any other activation takes one more pass.
 *
 * <p>The input gradient is the gradient of the same function, so Grad-CAM may pass through it.
 * Weight gradients are not available: the folded kernel is not the model's weight, so training
 * runs the unfused layers (see {@code InferencePlan}).
 */
public final class FusedLinear implements Op {
    /** Floats per block of the activation pass (the unit that threads share out). */
    private static final int BLOCK_FLOATS = 4096;

    private final ChannelLinear linear;
    private final Param bias;
    private final BatchNorm norm;
    private final ElementwiseOp activation;
    private volatile Folded folded;

    /** The folded op and shift, and the versions of the weights they were computed from. */
    private record Folded(ChannelLinear.Frozen op, float[] shift, int[] versions) {
    }

    /**
     * @param bias the linear layer's bias, or {@code null}
     * @param norm the BatchNormalization that follows, or {@code null}
     * @param activation the activation that follows, or {@code null} for none
     */
    public FusedLinear(ChannelLinear linear, Param bias, BatchNorm norm, ElementwiseOp activation) {
        int c = linear.outputChannels();
        if (bias != null && (bias.value().rank() != 1 || bias.value().size() != c)) {
            throw new IllegalArgumentException("bias " + bias + " does not match " + c + " output channels");
        }
        if (norm != null && norm.inferenceScale().length != c) {
            throw new IllegalArgumentException(norm.describe() + " does not match " + c + " output channels");
        }
        this.linear = linear;
        this.bias = bias;
        this.norm = norm;
        this.activation = activation;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        if (mode.training()) {
            throw new IllegalStateException("folded layers run inference only; training runs the model's own layers");
        }
        Folded f = current();
        Tensor x = inputs[0];
        Step linearStep = f.op().forward(x, epilogue(f.shift()));
        Tensor y = linearStep.output();
        if (!activationInEpilogue()) {
            activateInPlace(y.data(), activation);
        }
        return new Step(y, (dy, weightGrads) -> {
            if (weightGrads != null) {
                throw new IllegalStateException("weight gradients need a recording made with weight gradients "
                        + "(the folded kernel is not the model's weight)");
            }
            if (BackwardRules.current().biases() != null) {
                throw new IllegalStateException("bias gradients need the unfused graph (Graph.withoutFusion()): "
                        + "this layer's biases are folded into one");
            }
            Tensor dz = dy;
            if (activation instanceof Relu r && r.isPlain()) {
                // relu's derivative is known from its output (z > 0 exactly where y > 0): no second pass
                dz = Tensor.zerosLike(dy);
                r.chainRuleFromOutput(y.data(), dy.data(), dz.data());
            } else if (activation != null) {
                // The pre-activation is computed again rather than kept: inference never pays for it.
                Tensor z = f.op().forward(x, shiftOnly(f.shift())).output();
                dz = Tensor.zerosLike(dy);
                activation.chainRule(z.data(), y.data(), dy.data(), dz.data());
            }
            return linearStep.backward().apply(dz, null);
        });
    }

    /** No activation, relu or relu6 (a clamp): the epilogue applies it as the values are stored. */
    private boolean activationInEpilogue() {
        return activation == null || activation instanceof Relu r && r.isClamp();
    }

    /** The shift, and the activation when it is a clamp. */
    private Epilogue epilogue(float[] shift) {
        if (activation instanceof Relu r && r.isClamp()) {
            return new Epilogue(shift, 0f, r.maxValue());
        }
        return shiftOnly(shift);
    }

    private static Epilogue shiftOnly(float[] shift) {
        return new Epilogue(shift, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /** z = act(z) in place, blocks of it on all threads. */
    private static void activateInPlace(float[] z, ElementwiseOp act) {
        int blocks = (z.length + BLOCK_FLOATS - 1) / BLOCK_FLOATS;
        Parallel.forRange(blocks, 16,
                (from, to) -> act.apply(z, z, from * BLOCK_FLOATS, Math.min(z.length, to * BLOCK_FLOATS)));
    }

    /** The folded kernel and shift for the weights as they are now. */
    private Folded current() {
        Folded f = folded;
        int[] versions = versions();
        if (f == null || !java.util.Arrays.equals(f.versions(), versions)) {
            f = fold(versions);
            folded = f;
        }
        return f;
    }

    private Folded fold(int[] versions) {
        int c = linear.outputChannels();
        float[] scale = norm != null ? norm.inferenceScale() : null;
        float[] shift = new float[c];
        if (bias != null) {
            System.arraycopy(bias.value().data(), 0, shift, 0, c);
        }
        if (scale != null) {
            float[] t = norm.inferenceShift();
            for (int j = 0; j < c; j++) {
                shift[j] = shift[j] * scale[j] + t[j];
            }
        }
        return new Folded(linear.frozen(scale), shift, versions);
    }

    private int[] versions() {
        List<Param> ps = params();
        int[] v = new int[ps.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ps.get(i).version();
        }
        return v;
    }

    /** The weights folded in (kernel, bias, normalization), as the unfused layers own them. */
    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(linear.params());
        if (bias != null) {
            ps.add(bias);
        }
        if (norm != null) {
            ps.addAll(norm.params());
        }
        return ps;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return linear.outputShape(inputShapes);
    }

    @Override
    public String describe() {
        return "folded(" + linear.describe() + (bias != null ? " + bias" : "")
                + (norm != null ? " + " + norm.describe() : "")
                + (activation != null ? " + " + activation.describe() : "") + ")";
    }
}
