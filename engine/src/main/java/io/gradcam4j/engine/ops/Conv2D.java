package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.Workspace;
import io.gradcam4j.engine.kernels.ConvWeights;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.WindowGeometry;

import java.util.List;

/** 2-D convolution (cross-correlation, as Keras) of an NHWC input with a (kh, kw, in, out) kernel. */
public final class Conv2D implements ChannelLinear {
    private final Param kernel;
    private final int strideH;
    private final int strideW;
    private final int dilationH;
    private final int dilationW;
    private final Padding padding;

    public Conv2D(Param kernel, int[] strides, int[] dilation, Padding padding) {
        kernel.value().requireRank(4, "Conv2D kernel");
        if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
            // Keras refuses this combination too.
            throw new IllegalArgumentException("Conv2D cannot combine strides > 1 with dilation_rate > 1");
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
        Tensor x = inputs[0];
        Tensor w = kernel.value();
        int cout = w.dim(3);
        WindowGeometry g = geometry(x, w.shape());
        Tensor y = Tensor.zeros(g.outputShape(cout));
        Kernels.active().conv2d(x.data(), w.data(), cout, g, y.data());
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            Kernels.active().conv2dInputGrad(dy.data(), w.data(), cout, g, dx.data());
            if (weightGrads != null && kernel.trainable()) {
                Kernels.active().conv2dKernelGrad(x.data(), dy.data(), cout, g, weightGrads.of(kernel).data());
            }
            return new Tensor[] {dx};
        });
    }

    /**
     * With the kernel prepared by the active kernels once, here, rather than on every call (the
     * vector kernels pack it into column panels, scaled as they go); the input gradient is computed
     * from it too (see {@link Kernels#conv2dInputGrad(float[], ConvWeights, WindowGeometry, float[])}).
     */
    @Override
    public Frozen frozen(float[] channelScale) {
        int[] ks = kernel.value().shape();
        ConvWeights w = Kernels.active().prepareConv(kernel.value().data(), ks, channelScale);
        return (x, e) -> {
            WindowGeometry g = geometry(x, ks);
            int[] outShape = g.outputShape(ks[3]);
            // not cleared: the kernel stores every value through the epilogue
            Tensor y = Tensor.of(Workspace.uninitialized((int) Tensor.sizeOf(outShape)), outShape);
            Kernels.active().conv2dFused(x.data(), w, g, e, y.data());
            return new Step(y, (dy, weightGrads) -> {
                Tensor dx = Tensor.zerosLike(x);
                Kernels.active().conv2dInputGrad(dy.data(), w, g, dx.data());
                return new Tensor[] {dx};
            });
        };
    }

    /** The windows of this convolution over x, for a kernel of shape ks; checks x against it. */
    private WindowGeometry geometry(Tensor x, int[] ks) {
        x.requireRank(4, "Conv2D");
        if (x.dim(3) != ks[2]) {
            throw new IllegalArgumentException("Conv2D kernel " + kernel.value() + " expects " + ks[2]
                    + " input channels but the input is " + x);
        }
        return WindowGeometry.of(x.shape(), ks[0], ks[1], strideH, strideW, dilationH, dilationW, padding);
    }

    @Override
    public Param kernel() {
        return kernel;
    }

    @Override
    public int outputChannels() {
        return kernel.value().dim(3);
    }

    @Override
    public List<Param> params() {
        return List.of(kernel);
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] ks = kernel.value().shape();
        return WindowGeometry.of(inputShapes[0], ks[0], ks[1], strideH, strideW, dilationH, dilationW, padding)
                .outputShape(ks[3]);
    }

    @Override
    public String describe() {
        int[] ks = kernel.value().shape();
        return "Conv2D(" + ks[0] + "x" + ks[1] + ", " + ks[2] + "->" + ks[3] + ", strides " + strideH + "x" + strideW
                + ", dilation " + dilationH + "x" + dilationW + ", " + padding.keras() + ")";
    }
}
