package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
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

import java.util.List;
import java.util.Random;

import static io.gradcam4j.cam.methods.Support.assertClose;
import static io.gradcam4j.cam.methods.Support.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FullGrad on input (8x8x2) -> conv1 3x3 + bias -> BatchNorm -> relu -> conv2 3x3 + bias + relu
 * -> GAP -> dense, recomputed by hand: the gradients at the three biases (conv1's bias output,
 * BatchNorm's output, conv2's bias output before its relu) by the chain rule written out in
 * double precision, each term {@code |b * G_b|} (and {@code |x * dS/dx|}) min-max scaled per
 * channel, resized bilinearly with half-pixel centres and summed.
 */
class FullGradTest {

    @Test
    void fullGradByHand() {
        Random r = new Random(55);
        NaiveNet.ConvLayer c1 = new NaiveNet.ConvLayer("conv1", 3, 2, 3, Support.rand(r, -1f, 1f, 3, 3, 2, 3),
                Support.rand(r, -0.5f, 0.5f, 3), NaiveNet.Act.NONE, false);
        BatchNorm bn = GradientCheck.randomBatchNorm(r, 3);
        NaiveNet.ConvLayer c2 = new NaiveNet.ConvLayer("conv2", 3, 3, 3, Support.rand(r, -1f, 1f, 3, 3, 3, 3),
                Support.rand(r, -0.5f, 0.5f, 3), NaiveNet.Act.RELU, false);
        Tensor dense = Support.rand(r, -1f, 1f, 3, 2);

        Graph.Builder b = Graph.builder();
        Node x = b.add("conv1", Chain.of(conv(c1.kernel()), new BiasAdd(Support.param("bias", c1.bias()))),
                b.input("input"));
        x = b.add("bn", bn, x);
        x = b.add("relu", Relu.plain(), x);
        x = b.add("conv2", Chain.of(conv(c2.kernel()), new BiasAdd(Support.param("bias", c2.bias())), Relu.plain()), x);
        x = b.add("gap", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), x);
        Graph graph = b.build(b.add("logits", Chain.of(new MatMul(Support.param("kernel", dense)),
                new BiasAdd(Support.param("bias", Tensor.of(new float[] {0.2f, -0.1f}, 2)))), x));
        assertTrue(graph.inferencePlan(List.of("input")).toString().contains("+ bias + BatchNormalization"),
                "inference folds the BatchNormalization into conv1 (FullGrad must hear it anyway)");

        Tensor image = Support.rand(r, -1f, 1f, 1, 8, 8, 2);
        double[] xs = toDouble(image.data());
        // BatchNormalization as y = z s + t
        List<Param> ps = bn.params();   // gamma, beta, moving_mean, moving_variance
        double[] s = new double[3];
        double[] t = new double[3];
        for (int k = 0; k < 3; k++) {
            double gamma = ps.get(0).value().data()[k];
            double beta = ps.get(1).value().data()[k];
            double mean = ps.get(2).value().data()[k];
            double var = ps.get(3).value().data()[k];
            s[k] = gamma / Math.sqrt(var + bn.epsilon());
            t[k] = beta - mean * s[k];
        }
        // forward
        double[] z1 = NaiveNet.convForward(xs, 8, 8, c1);          // 6x6x3, conv + bias
        double[] y1 = new double[z1.length];
        double[] a1 = new double[z1.length];
        for (int i = 0; i < z1.length; i++) {
            y1[i] = z1[i] * s[i % 3] + t[i % 3];
            a1[i] = Math.max(y1[i], 0);
        }
        double[] z2 = NaiveNet.convForward(a1, 6, 6, c2);          // 4x4x3, before its relu

        for (int cls = 0; cls < 2; cls++) {
            double[] gz2 = new double[z2.length];
            for (int i = 0; i < z2.length; i++) {
                gz2[i] = z2[i] > 0 ? dense.data()[(i % 3) * 2 + cls] / 16.0 : 0;
            }
            double[] ga1 = NaiveNet.convInputGradient(gz2, 6, 6, c2);
            double[] gy1 = new double[ga1.length];     // at the BatchNormalization's output
            double[] gz1 = new double[ga1.length];     // at conv1's bias output
            for (int i = 0; i < ga1.length; i++) {
                gy1[i] = y1[i] > 0 ? ga1[i] : 0;
                gz1[i] = gy1[i] * s[i % 3];
            }
            double[] gx = NaiveNet.convInputGradient(gz1, 8, 8, c1);

            double[] expected = new double[64];
            double[] xg = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                xg[i] = xs[i] * gx[i];
            }
            addTerm(expected, xg, 8, 8, 2, null);
            addTerm(expected, gz1, 6, 6, 3, toDouble(c1.bias().data()));
            addTerm(expected, gy1, 6, 6, 3, t);
            addTerm(expected, gz2, 4, 4, 3, toDouble(c2.bias().data()));

            Explanation e = Support.explain("fullgrad", graph, image, null, cls);
            ClassMap m = e.maps().get(0);
            assertClose(expected, m.cam().data(), 1e-4, "fullgrad, class " + cls);
            assertEquals(1 + 1, e.passes().forward());
            assertEquals(1, e.passes().backward());
        }
    }

    private static Conv2D conv(Tensor kernel) {
        return new Conv2D(Support.param("kernel", kernel), new int[] {1, 1}, new int[] {1, 1}, Padding.VALID);
    }

    /** Adds {@code sum_k resize(minmax(|b_k g_k|))} (|g_k| without a bias) to the 8x8 map. */
    private static void addTerm(double[] map, double[] g, int h, int w, int k, double[] bias) {
        for (int c = 0; c < k; c++) {
            double[] ch = new double[h * w];
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < ch.length; p++) {
                ch[p] = Math.abs((bias == null ? 1 : bias[c]) * g[p * k + c]);
                min = Math.min(min, ch[p]);
                max = Math.max(max, ch[p]);
            }
            for (int p = 0; p < ch.length; p++) {
                ch[p] = (ch[p] - min) / (1e-7 + max - min);
            }
            double[] up = halfPixelBilinear(ch, h, w, 8, 8);
            for (int p = 0; p < 64; p++) {
                map[p] += up[p];
            }
        }
    }

    /** cv2.resize(INTER_LINEAR) upsampling: source (o + 0.5) in/out - 0.5, clamped at the borders. */
    static double[] halfPixelBilinear(double[] src, int h, int w, int outH, int outW) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = Math.min(Math.max((y + 0.5) * h / outH - 0.5, 0), h - 1);
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = Math.min(Math.max((x + 0.5) * w / outW - 0.5, 0), w - 1);
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                out[y * outW + x] = (1 - fy) * ((1 - fx) * src[y0 * w + x0] + fx * src[y0 * w + x1])
                        + fy * ((1 - fx) * src[y1 * w + x0] + fx * src[y1 * w + x1]);
            }
        }
        return out;
    }

}
