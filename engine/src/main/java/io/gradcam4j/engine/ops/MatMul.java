package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Kernels;

import java.util.List;

/**
 * The matrix product of Dense: the last axis of the input times an (in, out) kernel. Like Keras,
 * a rank-4 input is treated as a batch of rows, one per pixel.
 */
public final class MatMul implements ChannelLinear {
    private final Param kernel;

    public MatMul(Param kernel) {
        kernel.value().requireRank(2, "Dense kernel");
        this.kernel = kernel;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        Tensor w = kernel.value();
        int in = w.dim(0);
        int out = w.dim(1);
        if (x.rank() < 2 || x.dim(-1) != in) {
            throw new IllegalArgumentException("Dense kernel " + w + " expects inputs whose last axis is " + in
                    + " but got " + x);
        }
        int rows = x.size() / in;
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = out;
        Tensor y = Tensor.zeros(outShape);
        Kernels.active().matmul(x.data(), w.data(), y.data(), rows, in, out);
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            Kernels.active().matmulTransB(dy.data(), w.data(), dx.data(), rows, out, in);
            if (weightGrads != null && kernel.trainable()) {
                Kernels.active().matmulTransA(x.data(), dy.data(), weightGrads.of(kernel).data(), rows, in, out);
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
        return kernel.value().dim(1);
    }

    @Override
    public Frozen frozen(float[] channelScale) {
        Tensor k = channelScale == null ? kernel.value() : scaledKernel(channelScale);
        return ChannelLinear.applyingEpilogue(new MatMul(new Param(kernel.name(), k, false)));
    }

    @Override
    public List<Param> params() {
        return List.of(kernel);
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0].clone();
        s[s.length - 1] = kernel.value().dim(1);
        return s;
    }

    @Override
    public String describe() {
        return "MatMul(" + kernel.value().dim(0) + "->" + kernel.value().dim(1) + ")";
    }
}
