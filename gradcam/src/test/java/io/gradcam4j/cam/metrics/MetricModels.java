package io.gradcam4j.cam.metrics;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;
import io.gradcam4j.engine.ops.BiasAdd;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.MatMul;
import io.gradcam4j.engine.ops.Relu;
import io.gradcam4j.engine.ops.Reshape;
import io.gradcam4j.engine.ops.Softmax;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Models and maps whose metric values are known in closed form: a linear score of the input
 * (e.g. the mean of one region), the peers' fixture model (flatten, dense relu, dense softmax),
 * and maps given value by value.
 */
final class MetricModels {

    private MetricModels() {
    }

    /** Identity that remembers the batch size of every forward pass through it. */
    static final class BatchSizes implements Op {
        final List<Integer> seen = new ArrayList<>();

        @Override
        public Step forward(Tensor[] inputs, Mode mode) {
            seen.add(inputs[0].dim(0));
            return new Step(inputs[0], (dy, w) -> new Tensor[] {dy});
        }

        @Override
        public String describe() {
            return "BatchSizes";
        }

        @Override
        public int[] outputShape(int[][] inputShapes) {
            return inputShapes[0].clone();
        }
    }

    /**
     * One output, {@code sum_i weights[i] x_i + bias} over the H x W x C values of the input
     * (row-major, channels last), with no final activation: the metrics read it as it is.
     */
    static Graph linear(float[] weights, float bias, BatchSizes recorder) {
        Graph.Builder b = Graph.builder();
        Node x = b.input("x");
        Node seen = recorder != null ? b.add("batches", recorder, x) : x;
        Node flat = b.add("flatten", Reshape.flatten(), seen);
        Node out = b.add("score", Chain.of(new MatMul(new Param("kernel", Tensor.of(weights, weights.length, 1), true)),
                new BiasAdd(new Param("bias", Tensor.of(new float[] {bias}, 1), true))), flat);
        return b.build(out);
    }

    /** The mean of the input over the pixels of {@code region} (one channel). */
    static Graph regionMean(boolean[] region, BatchSizes recorder) {
        int n = 0;
        for (boolean r : region) {
            n += r ? 1 : 0;
        }
        float[] w = new float[region.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = region[i] ? 1f / n : 0f;
        }
        return linear(w, 0f, recorder);
    }

    /** The fixture model of tools/reference/metrics_peers.py: flatten, dense relu, dense softmax. */
    static Graph mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        Graph.Builder b = Graph.builder();
        Node x = b.input("x");
        Node flat = b.add("flatten", Reshape.flatten(), x);
        Node hidden = b.add("hidden", Chain.of(new MatMul(new Param("kernel", w1, true)),
                new BiasAdd(new Param("bias", b1, true)), Relu.plain()), flat);
        Node out = b.add("output", Chain.of(new MatMul(new Param("kernel", w2, true)),
                new BiasAdd(new Param("bias", b2, true)), new Softmax()), hidden);
        return b.build(out);
    }

    /** A map with these normalised values (h x w) and status. */
    static ClassMap map(float[] values, int h, int w, CamStatus status) {
        Tensor t = Tensor.of(values.clone(), h, w);
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return new ClassMap(0, 1f, t, max, t, status, false, null, null, List.of(), Map.of());
    }

    static ClassMap map(float[] values, int h, int w) {
        return map(values, h, w, CamStatus.OK);
    }

    /** The top-left {@code side x side} square of an h x w image. */
    static boolean[] square(int h, int w, int side) {
        boolean[] r = new boolean[h * w];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                r[y * w + x] = true;
            }
        }
        return r;
    }

    /**
     * Relevance that ranks the pixels of {@code first} before all others, each group in
     * row-major order, by distinct values in (0, 1] (no tie decides anything).
     */
    static float[] rankingFirst(boolean[] first) {
        float[] v = new float[first.length];
        for (int p = 0; p < v.length; p++) {
            v[p] = (first[p] ? 1f : 0.5f) - p * 1e-3f;
        }
        return v;
    }

    static Tensor filled(float value, int... shape) {
        Tensor t = Tensor.zeros(shape);
        java.util.Arrays.fill(t.data(), value);
        return t;
    }
}
