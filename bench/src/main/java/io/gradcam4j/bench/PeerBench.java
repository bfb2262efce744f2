package io.gradcam4j.bench;

import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.applications.Applications;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Our forward pass and Grad-CAM of a keras.applications model (seeded weights) and ONNX Runtime's
 * forward pass of the same architecture (bench/compare/export_onnx.py), timed in one JVM and
 * alternated, pass by pass, so that both see the same machine at the same moments; prints one
 * JSON object of min and median milliseconds per batch. Run by bench/compare/compare.py:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'bench/target/benchmarks.jar:bench/target/peers/*' \
 *     io.gradcam4j.bench.PeerBench MODEL FILE.onnx BATCH REPEAT THREADS
 * </pre>
 */
public final class PeerBench {
    /** Untimed alternation first, at least this long (the JIT compiles our kernels meanwhile). */
    private static final double WARMUP_SECONDS = 4.0;

    private PeerBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: PeerBench MODEL FILE.onnx BATCH REPEAT THREADS");
            System.exit(2);
        }
        String name = args[0];
        int batch = Integer.parseInt(args[2]);
        int repeat = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        Parallel.useThreads(threads);
        KerasModel model = Applications.seeded(Applications.byName(name));
        int[] nhwc = model.inputShape();
        Tensor ours = randomBatch(new int[] {batch, nhwc[0], nhwc[1], nhwc[2]});
        int[] nchw = {batch, nhwc[2], nhwc[0], nhwc[1]};
        float[] theirs = randomBatch(nchw).data();
        ExplainRequest topClass = ExplainRequest.of(List.of(model.suggestedGradcamLayer()), List.of(), ScoreKind.LOGIT);
        try (OrtPeer ort = new OrtPeer(Path.of(args[1]), threads)) {
            List<Runnable> passes = List.of(
                    () -> model.graph().predict(ours),
                    () -> Methods.byName("gradcam").explain(model.graph(), ours, topClass),
                    () -> forward(ort, theirs, nchw));
            double[][] ms = alternate(passes, repeat);
            System.out.println(String.format(Locale.ROOT,
                    "{\"model\": \"%s\", \"batch\": %d, \"threads\": %d, \"kernels\": \"%s\", \"ort_logit_difference\": %.2e, "
                            + "\"ours_forward_ms\": %s, \"ours_gradcam_ms\": %s, \"ort_forward_ms\": %s}",
                    name, batch, threads, Kernels.active().name(), ort.logitDifference(), stats(ms[0]), stats(ms[1]),
                    stats(ms[2])));
        }
    }

    /** Each pass in turn, warm-up first; the sorted times of each. */
    private static double[][] alternate(List<Runnable> passes, int repeat) {
        long start = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - start < WARMUP_SECONDS * 1e9; i++) {
            passes.forEach(Runnable::run);
        }
        double[][] ms = new double[passes.size()][repeat];
        for (int r = 0; r < repeat; r++) {
            for (int p = 0; p < passes.size(); p++) {
                pause();   // each pass starts with the other's threads parked, as it would alone
                long t = System.nanoTime();
                passes.get(p).run();
                ms[p][r] = (System.nanoTime() - t) / 1e6;
            }
        }
        for (double[] m : ms) {
            Arrays.sort(m);
        }
        return ms;
    }

    /** Longer than our workers' polling after a loop ({@code Parallel.SPIN_NANOS}, 0.25 ms). */
    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void forward(OrtPeer ort, float[] nchw, int[] shape) {
        try {
            ort.forward(nchw, shape);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed", e);
        }
    }

    private static Tensor randomBatch(int[] shape) {
        Tensor x = Tensor.zeros(shape);
        Random r = new Random(1);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static String stats(double[] sorted) {
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return String.format(Locale.ROOT, "{\"min\": %.3f, \"median\": %.3f}", sorted[0], median);
    }
}
