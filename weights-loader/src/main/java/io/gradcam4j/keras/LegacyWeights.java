package io.gradcam4j.keras;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.ops.Transpose;

import java.util.ArrayList;
import java.util.List;

/**
 * The weight conversions of Keras's legacy h5 loader ({@code preprocess_weights_for_loading}),
 * applied before a layer is built (named by the rows of {@link KerasClass}): Keras 1 {@code channels_first} ("th") Conv2D kernels are stored
 * {@code (out, in, kh, kw)} and become {@code (kh, kw, in, out)}; conv kernels saved by the Theano
 * backend are flipped along both spatial axes (Theano convolved, TensorFlow correlates).
 */
final class LegacyWeights {
    private LegacyWeights() {
    }

    /** A Conv2D layer's kernel (its first weight) as Keras 2 on TensorFlow stores it. */
    static List<Tensor> convertConvKernel(LayerConfig c, List<Tensor> weights, KerasOrigin origin) {
        if (weights.isEmpty()) {
            return weights;
        }
        List<Tensor> out = new ArrayList<>(weights);
        Tensor kernel = out.get(0);
        if (origin.isKeras1() && c.string("data_format", "channels_last").equals("channels_first")
                && kernel.rank() == 4) {
            kernel = new Transpose(2, 3, 1, 0).apply(kernel);
        }
        if (origin.flipsConvKernels()) {
            kernel = flipSpatial(kernel);
        }
        out.set(0, kernel);
        return out;
    }

    /** kernel[::-1, ::-1, :, :] for a (kh, kw, in, out) kernel. */
    static Tensor flipSpatial(Tensor kernel) {
        int kh = kernel.dim(0);
        int kw = kernel.dim(1);
        int block = kernel.dim(2) * kernel.dim(3);
        Tensor out = Tensor.zerosLike(kernel);
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                System.arraycopy(kernel.data(), (y * kw + x) * block, out.data(),
                        ((kh - 1 - y) * kw + (kw - 1 - x)) * block, block);
            }
        }
        return out;
    }
}
