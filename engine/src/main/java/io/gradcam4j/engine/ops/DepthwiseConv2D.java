package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.Workspace;
import io.gradcam4j.engine.kernels.Epilogue;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.WindowGeometry;

import java.util.List;

/**
 * Depthwise convolution: each input channel c is convolved with its own {@code multiplier}
 * filters, giving output channels {@code c * multiplier + m}. Kernel layout (kh, kw, in, mult).
 */
public final class DepthwiseConv2D implements ChannelLinear {
    private final Param kernel;
    private final int strideH;
    private final int strideW;
    private final int dilationH;
    private final int dilationW;
    private final Padding padding;

    public DepthwiseConv2D(Param kernel, int[] strides, int[] dilation, Padding padding) {
        kernel.value().requireRank(4, "DepthwiseConv2D kernel");
        if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
            throw new IllegalArgumentException("DepthwiseConv2D cannot combine strides > 1 with dilation_rate > 1");
        }
        this.kernel = kernel;
        this.strideH = strides[0];
        this.strideW = strides[1];
        this.dilationH = dilation[0];
        this.dilationW = dilation[1];
        this.padding = padding;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        return forward(inputs[0], null);
    }

    /** The op's output, through {@code e} unless it is null; the backward rule is the op's alone. */
    private Step forward(Tensor x, Epilogue e) {
        x.requireRank(4, "DepthwiseConv2D");
        Tensor w = kernel.value();
        int[] ks = w.shape();
        if (x.dim(3) != ks[2]) {
            throw new IllegalArgumentException("DepthwiseConv2D kernel " + w + " expects " + ks[2]
                    + " input channels but the input is " + x);
        }
        int mult = ks[3];
        WindowGeometry g = WindowGeometry.of(x.shape(), ks[0], ks[1], strideH, strideW, dilationH, dilationW, padding);
        int[] outShape = g.outputShape(ks[2] * mult);
        // the kernel stores every output value: no need to zero the array first
        Tensor y = Tensor.of(Workspace.uninitialized((int) Tensor.sizeOf(outShape)), outShape);
        if (e == null) {
            Kernels.active().depthwiseConv2d(x.data(), w.data(), mult, g, y.data());
        } else {
            Kernels.active().depthwiseConv2dFused(x.data(), w.data(), mult, g, e, y.data());
        }
        return new Step(y, (dy, weightGrads) -> {
            // the kernel stores every value of dx
            Tensor dx = Tensor.of(Workspace.uninitialized(x.data().length), x.shape());
            Kernels.active().depthwiseConv2dInputGrad(dy.data(), w.data(), mult, g, dx.data());
            if (weightGrads != null && kernel.trainable()) {
                Kernels.active().depthwiseConv2dKernelGrad(x.data(), dy.data(), mult, g,
                        weightGrads.of(kernel).data());
            }
            return new Tensor[] {dx};
        });
    }

    @Override
    public Param kernel() {
        return kernel;
    }

    @Override
    public int outputChannels() {
        return kernel.value().dim(2) * kernel.value().dim(3);
    }

    @Override
    public Frozen frozen(float[] channelScale) {
        Tensor k = channelScale == null ? kernel.value() : scaledKernel(channelScale);
        DepthwiseConv2D fixed = new DepthwiseConv2D(new Param(kernel.name(), k, false),
                new int[] {strideH, strideW}, new int[] {dilationH, dilationW}, padding);
        return fixed::forward;
    }

    @Override
    public List<Param> params() {
        return List.of(kernel);
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] ks = kernel.value().shape();
        return WindowGeometry.of(inputShapes[0], ks[0], ks[1], strideH, strideW, dilationH, dilationW, padding)
                .outputShape(ks[2] * ks[3]);
    }

    @Override
    public String describe() {
        int[] ks = kernel.value().shape();
        return "DepthwiseConv2D(" + ks[0] + "x" + ks[1] + ", " + ks[2] + "x" + ks[3] + ", strides " + strideH + "x"
                + strideW + ", dilation " + dilationH + "x" + dilationW + ", " + padding.keras() + ")";
    }
}
