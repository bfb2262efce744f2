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

    /** The same op (strides, padding...) with another kernel of the same shape, not trainable. */
    ChannelLinear withKernel(Tensor kernel);

    /**
     * The forward pass with {@code e} applied to every output value (bias and clamp); the
     * backward rule is the one of the op alone. Ops whose kernel can store through an epilogue
     * override this to save the extra pass.
     */
    default Step forward(Tensor[] inputs, Mode mode, Epilogue e) {
        Step s = forward(inputs, mode);
        e.applyTo(s.output().data());
        return s;
    }
}
