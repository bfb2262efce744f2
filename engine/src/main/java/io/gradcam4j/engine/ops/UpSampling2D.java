package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

/**
 * Nearest-neighbour upsampling: each pixel repeated {@code sizeH x sizeW} times. The gradient
 * sums each block back into its source pixel.
 */
public final class UpSampling2D implements Op {
    private final int sizeH;
    private final int sizeW;

    public UpSampling2D(int sizeH, int sizeW) {
        if (sizeH < 1 || sizeW < 1) {
            throw new IllegalArgumentException("UpSampling2D size must be >= 1");
        }
        this.sizeH = sizeH;
        this.sizeW = sizeW;
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        x.requireRank(4, "UpSampling2D");
        int n = x.dim(0);
        int h = x.dim(1);
        int w = x.dim(2);
        int c = x.dim(3);
        Tensor y = Tensor.zeros(n, h * sizeH, w * sizeW, c);
        float[] xs = x.data();
        float[] ys = y.data();
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < h * sizeH; oy++) {
                for (int ox = 0; ox < w * sizeW; ox++) {
                    int src = ((b * h + oy / sizeH) * w + ox / sizeW) * c;
                    int dst = ((b * h * sizeH + oy) * w * sizeW + ox) * c;
                    System.arraycopy(xs, src, ys, dst, c);
                }
            }
        }
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            float[] g = dy.data();
            float[] d = dx.data();
            for (int b = 0; b < n; b++) {
                for (int oy = 0; oy < h * sizeH; oy++) {
                    for (int ox = 0; ox < w * sizeW; ox++) {
                        int dst = ((b * h + oy / sizeH) * w + ox / sizeW) * c;
                        int src = ((b * h * sizeH + oy) * w * sizeW + ox) * c;
                        for (int ch = 0; ch < c; ch++) {
                            d[dst + ch] += g[src + ch];
                        }
                    }
                }
            }
            return new Tensor[] {dx};
        });
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] s = inputShapes[0];
        return new int[] {s[0], s[1] * sizeH, s[2] * sizeW, s[3]};
    }

    @Override
    public String describe() {
        return "UpSampling2D(" + sizeH + "x" + sizeW + ", nearest)";
    }
}
