package io.gradcam4j.cam.methods;

import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.ReluRule;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Conv2D;
import io.gradcam4j.engine.ops.GlobalPool2D;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small sequential network, {@code input -> (conv kxk valid + bias + activation)* -> global
 * average pooling -> dense + bias}, built twice from the same weights: as an engine
 * {@link Graph} and as plain double-precision loops here (forward pass, and the input gradient
 * of a logit under each {@link ReluRule}, written out by hand). The engine's graph folds each
 * convolution with its bias and activation at inference.
 */
final class NaiveNet {
    static final float LEAK = 0.1f;

    /** The activations of the ReLU family (and none). */
    enum Act {
        NONE, RELU, RELU6, LEAKY;

        Op op() {
            return switch (this) {
                case NONE -> null;
                case RELU -> Relu.plain();
                case RELU6 -> Relu.relu6();
                case LEAKY -> Relu.leaky(LEAK);
            };
        }

        double value(double z) {
            return switch (this) {
                case NONE -> z;
                case RELU -> Math.max(z, 0);
                case RELU6 -> Math.min(Math.max(z, 0), 6);
                case LEAKY -> z > 0 ? z : LEAK * z;
            };
        }

        double derivative(double z) {
            return switch (this) {
                case NONE -> 1;
                case RELU -> z > 0 ? 1 : 0;
                case RELU6 -> z > 0 && z < 6 ? 1 : 0;
                case LEAKY -> z > 0 ? 1 : LEAK;
            };
        }

        /** The backward rule of docs/METHODS.md: the chain rule, guided or deconvnet (none for NONE). */
        double backward(double dy, double z, ReluRule rule) {
            if (this == NONE) {
                return dy;
            }
            return switch (rule) {
                case STANDARD -> dy * derivative(z);
                case GUIDED -> Math.max(dy * derivative(z), 0);
                case DECONVNET -> Math.max(dy, 0);
            };
        }
    }

    /** One convolution: kernel (k, k, cin, cout) row-major, its bias and activation. */
    record ConvLayer(String name, int k, int cin, int cout, Tensor kernel, Tensor bias, Act act, boolean actNode) {
    }

    final int h;
    final int w;
    final int c;
    final int classes;
    final List<ConvLayer> convs = new ArrayList<>();
    Tensor dense;
    Tensor denseBias;
    /** Whether the graph ends in a softmax node after the logits (the double loops stop at the logits). */
    boolean softmax;

    NaiveNet(int h, int w, int c, int classes) {
        this.h = h;
        this.w = w;
        this.c = c;
        this.classes = classes;
    }

    /**
     * Adds a convolution with weights in [-scale, scale] and bias in [-bias, bias]; with
     * {@code actNode} its activation is a node of its own (which the inference plan absorbs).
     */
    NaiveNet conv(Random r, String name, int k, int cout, Act act, boolean actNode, float scale, float bias) {
        int cin = convs.isEmpty() ? c : convs.get(convs.size() - 1).cout();
        convs.add(new ConvLayer(name, k, cin, cout, Support.rand(r, -scale, scale, k, k, cin, cout),
                Support.rand(r, -bias, bias, cout), act, actNode));
        return this;
    }

    NaiveNet dense(Random r, float scale) {
        int k = convs.get(convs.size() - 1).cout();
        dense = Support.rand(r, -scale, scale, k, classes);
        denseBias = Support.rand(r, -0.5f, 0.5f, classes);
        return this;
    }

    NaiveNet withSoftmax() {
        softmax = true;
        return this;
    }

    Graph graph() {
        Graph.Builder b = Graph.builder();
        Node x = b.input("input");
        for (ConvLayer l : convs) {
            Op conv = new Conv2D(new Param("kernel", l.kernel(), true), new int[] {1, 1}, new int[] {1, 1}, Padding.VALID);
            Op bias = new BiasAdd(new Param("bias", l.bias(), true));
            if (l.actNode() && l.act() != Act.NONE) {
                x = b.add(l.name() + "_linear", Chain.of(conv, bias), x);
                x = b.add(l.name(), l.act().op(), x);
            } else {
                x = b.add(l.name(), Chain.of(conv, bias, l.act().op()), x);
            }
        }
        x = b.add("gap", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), x);
        x = b.add("logits", Chain.of(new MatMul(new Param("kernel", dense, true)),
                new BiasAdd(new Param("bias", denseBias, true))), x);
        if (softmax) {
            x = b.add("probabilities", new io.gradcam4j.engine.ops.Softmax(), x);
        }
        return b.build(x);
    }

    /** The pre-activations of every convolution, for input x (h x w x c). */
    List<double[]> preActivations(double[] x) {
        List<double[]> zs = new ArrayList<>();
        double[] in = x;
        int ih = h;
        int iw = w;
        for (ConvLayer l : convs) {
            double[] z = convForward(in, ih, iw, l);
            ih -= l.k() - 1;
            iw -= l.k() - 1;
            zs.add(z);
            in = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                in[i] = l.act().value(z[i]);
            }
        }
        return zs;
    }

    /** The output of convolution {@code index} after its activation. */
    double[] activation(double[] x, int index) {
        double[] z = preActivations(x).get(index);
        double[] a = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            a[i] = convs.get(index).act().value(z[i]);
        }
        return a;
    }

    int outH(int index) {
        int s = h;
        for (int i = 0; i <= index; i++) {
            s -= convs.get(i).k() - 1;
        }
        return s;
    }

    int outW(int index) {
        int s = w;
        for (int i = 0; i <= index; i++) {
            s -= convs.get(i).k() - 1;
        }
        return s;
    }

    double[] logits(double[] x) {
        int last = convs.size() - 1;
        double[] a = activation(x, last);
        int k = convs.get(last).cout();
        int pixels = a.length / k;
        double[] out = new double[classes];
        for (int j = 0; j < classes; j++) {
            double s = denseBias.data()[j];
            for (int ch = 0; ch < k; ch++) {
                double mean = 0;
                for (int p = 0; p < pixels; p++) {
                    mean += a[p * k + ch];
                }
                s += dense.data()[ch * classes + j] * mean / pixels;
            }
            out[j] = s;
        }
        return out;
    }

    /** d logit[cls] / dx with the ReLU family's backward rule {@code rule}. */
    double[] inputGradient(double[] x, int cls, ReluRule rule) {
        List<double[]> zs = preActivations(x);
        int last = convs.size() - 1;
        int k = convs.get(last).cout();
        int pixels = zs.get(last).length / k;
        double[] da = new double[zs.get(last).length];
        for (int p = 0; p < pixels; p++) {
            for (int ch = 0; ch < k; ch++) {
                da[p * k + ch] = dense.data()[ch * classes + cls] / pixels;
            }
        }
        for (int i = last; i >= 0; i--) {
            ConvLayer l = convs.get(i);
            double[] z = zs.get(i);
            double[] dz = new double[z.length];
            for (int j = 0; j < z.length; j++) {
                dz[j] = l.act().backward(da[j], z[j], rule);
            }
            int ih = i == 0 ? h : outH(i - 1);
            int iw = i == 0 ? w : outW(i - 1);
            da = convInputGradient(dz, ih, iw, l);
        }
        return da;
    }

    static double[] convForward(double[] in, int ih, int iw, ConvLayer l) {
        int k = l.k();
        int oh = ih - k + 1;
        int ow = iw - k + 1;
        float[] kw = l.kernel().data();
        double[] out = new double[oh * ow * l.cout()];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int co = 0; co < l.cout(); co++) {
                    double s = l.bias().data()[co];
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            for (int ci = 0; ci < l.cin(); ci++) {
                                s += in[((y + i) * iw + x + j) * l.cin() + ci]
                                        * kw[((i * k + j) * l.cin() + ci) * l.cout() + co];
                            }
                        }
                    }
                    out[(y * ow + x) * l.cout() + co] = s;
                }
            }
        }
        return out;
    }

    static double[] convInputGradient(double[] dz, int ih, int iw, ConvLayer l) {
        int k = l.k();
        int oh = ih - k + 1;
        int ow = iw - k + 1;
        float[] kw = l.kernel().data();
        double[] dx = new double[ih * iw * l.cin()];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int co = 0; co < l.cout(); co++) {
                    double g = dz[(y * ow + x) * l.cout() + co];
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            for (int ci = 0; ci < l.cin(); ci++) {
                                dx[((y + i) * iw + x + j) * l.cin() + ci] += g * kw[((i * k + j) * l.cin() + ci) * l.cout() + co];
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }
}
