package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Epilogue;

/**
 * A linear op with one kernel whose value at flat index {@code i} feeds output channel
 * {@code i % outputChannels()} only: Conv2D {@code (kh, kw, in, out)}, DepthwiseConv2D
 * {@code (kh, kw, in, mult)} (channel {@code c*mult + m}) and Dense {@code (in, out)}. Scaling the
 * kernel's values of a channel scales that output channel, which is how a following
 * BatchNormalization is folded into it (see {@link FusedLinear}).
 */
public interface ChannelLinear extends Op {

    Param kernel();

    int outputChannels();

    /**
     * This op with its kernel as it is now, output channel j scaled by {@code channelScale[j]} (a
     * folded BatchNormalization; null: unscaled), for inference. The kernel is taken once, so the
     * op may keep it in the form its kernels read fastest instead of converting it on every call
     * (Conv2D does, scaling while it converts); it may also keep the kernel tensor itself when
     * unscaled, which must then not change while the result is in use.
     */
    Frozen frozen(float[] channelScale);

    /** A {@link ChannelLinear} op with a fixed kernel, as {@link FusedLinear} runs it. */
    @FunctionalInterface
    interface Frozen {
        /**
         * The op's output with {@code e} applied to every value (bias and clamp); the step's
         * backward rule gives the input gradient of the op alone.
         */
        Step forward(Tensor x, Epilogue e);
    }

    /** A copy of this op's kernel with output channel j (the fastest-varying index) scaled by {@code scale[j]}. */
    default Tensor scaledKernel(float[] scale) {
        int c = outputChannels();
        if (scale.length != c) {
            throw new IllegalArgumentException(describe() + " has " + c + " output channels, but "
                    + scale.length + " scales were given");
        }
        Tensor k = kernel().value().copy();
        float[] kd = k.data();
        for (int i = 0; i < kd.length; i += c) {
            for (int j = 0; j < c; j++) {
                kd[i + j] *= scale[j];
            }
        }
        return k;
    }

    /** The frozen form of an op that keeps its kernel as it is: its forward pass, then the epilogue. */
    static Frozen applyingEpilogue(ChannelLinear op) {
        return (x, e) -> {
            Step s = op.forward(new Tensor[] {x}, Mode.INFERENCE);
            e.applyTo(s.output().data());
            return s;
        };
    }
}
