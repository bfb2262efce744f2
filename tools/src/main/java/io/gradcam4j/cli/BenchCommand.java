package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.KernelWarmUp;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.applications.Applications;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code gradcam bench}: times the forward pass and a Grad-CAM (forward + backward to the default
 * layer) of a model on a random batch of {@code --batch} images (one by default), after a
 * warm-up; prints min / median / max per batch, images per second, GFLOP/s and the heap
 * allocated by a forward pass (see {@link AllocatedBytes}). A batch runs as explain and audit run
 * theirs: one forward pass for the batch, one backward pass for its top classes.
 * Application names use seeded weights ({@code --weights none}, the default), so no download is
 * needed; {@code --weights FILE.h5} times them with a weights file instead.
 *
 * <p>The warm-up lasts at least {@link #WARMUP_SECONDS}: a small model (MobileNet 0.25, 2 ms a
 * pass) needs a few hundred passes before the JIT has compiled all its loops, and a count alone
 * would leave it timing the interpreter.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times forward and Grad-CAM of a model (seeded weights for application names).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "mobilenet_0.25_128",
            description = "A keras.applications name (as --model takes it elsewhere; seeded weights unless --weights FILE) "
                    + "or a .keras / .h5 file (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--weights", paramLabel = "FILE.h5|none", defaultValue = ModelOptions.NO_WEIGHTS,
            description = "With an application name: seeded values (none, the default: no file, no download) or "
                    + "the weights of this file (the keras.applications layout).")
    String weights;

    @Option(names = "--repeat", defaultValue = "10", description = "Timed runs of each (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", defaultValue = "5",
            description = "Untimed runs of both first, and at least 4 s of them (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch", defaultValue = "1",
            description = "Images per pass; times are per batch, throughput in images per second (default: ${DEFAULT-VALUE}).")
    int batch;

    /** Larger batches than this are a mistake (VGG19's activations alone take 60 MB an image). */
    static final int MAX_BATCH = 4096;

    @Option(names = "--threads", description = "Worker threads (default: the processors, or -Dgradcam4j.threads).")
    Integer threads;

    private static final double WARMUP_SECONDS = 4.0;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--layers", description = "Also time each layer of the forward pass (median of --repeat runs).")
    boolean layers;

    @Mixin
    MethodArguments methodArguments;

    @Override
    public Integer call() throws Exception {
        if (repeat < 1 || warmup < 0) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--repeat must be at least 1 and --warmup at least 0, got " + repeat
                    + " and " + warmup);
        }
        if (batch < 1 || batch > MAX_BATCH) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--batch must be between 1 and " + MAX_BATCH
                    + ", got " + batch);
        }
        if (threads != null) {
            Parallel.useThreads(threads);
        }
        long t0 = System.nanoTime();
        KerasModel m = Files.isRegularFile(Path.of(model)) ? KerasH5File.loadModel(Path.of(model))
                : application();
        double loadMs = (System.nanoTime() - t0) / 1e6;
        KernelWarmUp.stop();   // started in main; it ends its round (milliseconds) long before timing starts
        int[] s = m.inputShape();
        int[] shape = new int[s.length + 1];
        shape[0] = batch;
        for (int i = 0; i < s.length; i++) {
            shape[i + 1] = s[i] > 0 ? s[i] : KerasModel.DEFAULT_SPATIAL_SIZE;
        }
        Tensor x = Tensor.zeros(shape);
        Random r = new Random(1);
        for (int i = 0; i < x.size(); i++) {
            x.data()[i] = r.nextFloat() * 2 - 1;
        }
        String layer = m.suggestedGradcamLayer();
        ExplainRequest topClass = ExplainRequest.of(List.of(layer), List.of(), ScoreKind.LOGIT);
        double[][] ms = time(() -> m.graph().predict(x),
                () -> Methods.byName("gradcam").explain(m.graph(), x, topClass), warmup, repeat);
        double[] forward = ms[0];
        double[] gradcam = ms[1];
        List<MethodTiming> methods = timeMethods(m, x, layer);
        OptionalLong allocated = AllocatedBytes.perRun(() -> m.graph().predict(x), 3);
        double flops = 2.0 * MultiplyAdds.count(m);
        LayerProfile profile = layers ? LayerProfile.of(m.graph(), x, repeat) : null;
        if (json) {
            ObjectNode n = Reports.JSON.createObjectNode();
            n.put("model", model);
            n.put("kernels", Kernels.active().name());
            n.put("threads", Parallel.threads());
            n.put("batch", batch);
            n.set("input_shape", Reports.JSON.valueToTree(shape));
            n.put("load_ms", loadMs);
            n.put("gradcam_layer", layer);
            n.put("multiply_adds", flops / 2);
            stats(n.putObject("forward_ms"), forward);
            stats(n.putObject("gradcam_ms"), gradcam);
            n.put("forward_gflops", batch * flops / median(forward) / 1e6);
            n.put("forward_images_per_second", imagesPerSecond(forward));
            n.put("gradcam_images_per_second", imagesPerSecond(gradcam));
            ObjectNode byMethod = n.putObject("methods");
            for (MethodTiming t : methods) {
                ObjectNode mt = byMethod.putObject(t.name());
                stats(mt.putObject("ms"), t.ms());
                mt.put("forward_passes_equivalent", median(t.ms()) / median(forward));
                mt.put("forward_passes", t.passes().forward());
                mt.put("backward_passes", t.passes().backward());
            }
            if (allocated.isPresent()) {
                n.put("forward_allocated_bytes", allocated.getAsLong());
            } else {
                n.putNull("forward_allocated_bytes");
            }
            if (profile != null) {
                profile.writeTo(n.putArray("layers"));
            }
            System.out.println(Reports.JSON.writeValueAsString(n));
        } else {
            System.out.printf("%s: kernels %s, %d threads, input %s, Grad-CAM layer %s, %.2f G multiply-adds%n",
                    model, Kernels.active().name(), Parallel.threads(), Arrays.toString(shape), layer, flops / 2e9);
            String per = batch == 1 ? "" : " a batch of " + batch;
            System.out.printf("forward  ms%s: min %.1f  median %.1f  max %.1f   (%.1f GFLOP/s, %.1f images/s at the median)%n",
                    per, min(forward), median(forward), max(forward), batch * flops / median(forward) / 1e6,
                    imagesPerSecond(forward));
            System.out.printf("gradcam  ms%s: min %.1f  median %.1f  max %.1f   (%.1f images/s at the median)%n", per,
                    min(gradcam), median(gradcam), max(gradcam), imagesPerSecond(gradcam));
            if (allocated.isPresent()) {
                System.out.printf("forward  allocates %.1f MB per pass%n", allocated.getAsLong() / 1e6);
            }
            if (!methods.isEmpty()) {
                System.out.printf("%-22s %10s %10s %12s %10s %10s%n", "method", "min ms", "median ms", "x forward",
                        "forwards", "backwards");
                for (MethodTiming t : methods) {
                    System.out.printf("%-22s %10.1f %10.1f %12.1f %10d %10d%n", t.name(), min(t.ms()), median(t.ms()),
                            median(t.ms()) / median(forward), t.passes().forward(), t.passes().backward());
                }
            }
            if (profile != null) {
                profile.print();
            }
        }
        return 0;
    }

    /** {@code --model NAME} with seeded weights, or those of {@code --weights FILE.h5}. */
    private KerasModel application() throws java.io.IOException {
        var app = Applications.byName(model);
        if (ModelOptions.NO_WEIGHTS.equalsIgnoreCase(weights)) {
            return Applications.seeded(app);
        }
        Path file = Path.of(weights);
        if (!Files.isRegularFile(file)) {
            throw new java.io.IOException("weights file " + file + " does not exist");
        }
        return io.gradcam4j.keras.applications.WeightsOnlyFile.load(file, app);
    }

    /** One method's sorted times and the passes one explanation ran. */
    private record MethodTiming(String name, double[] ms, Explanation.Passes passes) {
    }

    /**
     * Each {@code --method} given (none by default: the gradcam line above is today's), timed
     * after two untimed runs; perturbation methods run their batches as explain does.
     */
    private List<MethodTiming> timeMethods(KerasModel m, Tensor x, String layer) throws java.io.IOException {
        if (methodArguments.methods.equals(List.of("gradcam"))) {
            return List.of();
        }
        MethodOptions options = methodArguments.options();
        ExplainRequest request = new ExplainRequest(List.of(layer), p -> List.of(), ScoreKind.LOGIT, options, null, null);
        List<MethodTiming> timings = new java.util.ArrayList<>();
        for (String name : methodArguments.methodNames()) {
            var method = Methods.byName(name);
            Explanation last;
            long warm = System.nanoTime();
            try {
                last = method.explain(m.graph(), x, request).get(0);
            } catch (IllegalArgumentException | io.gradcam4j.engine.errors.InvalidRequestException refused) {
                System.err.println(name + ": not timed, " + refused.getMessage());
                continue;
            }
            boolean slow = (System.nanoTime() - warm) / 1e9 > 2;   // seconds a run: one warm-up, three timed runs at most
            if (!slow) {
                last = method.explain(m.graph(), x, request).get(0);
            }
            int n = Math.max(1, slow ? Math.min(repeat, 3) : repeat);
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                last = method.explain(m.graph(), x, request).get(0);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            timings.add(new MethodTiming(name, ms, last.passes()));
        }
        return timings;
    }

    /**
     * Warms both up, then times them alternately, so that both see the same state of the JIT and
     * of the machine; returns the sorted times of each.
     */
    private static double[][] time(Runnable forward, Runnable gradcam, int warmup, int repeat) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - start < WARMUP_SECONDS * 1e9; i++) {
            forward.run();
            gradcam.run();
        }
        int n = Math.max(1, repeat);
        double[][] ms = new double[2][n];
        for (int i = 0; i < n; i++) {
            ms[0][i] = timed(forward);
            ms[1][i] = timed(gradcam);
        }
        Arrays.sort(ms[0]);
        Arrays.sort(ms[1]);
        return ms;
    }

    private static double timed(Runnable run) {
        long t = System.nanoTime();
        run.run();
        return (System.nanoTime() - t) / 1e6;
    }

    /** Images per second at the median time of a batch. */
    private double imagesPerSecond(double[] sortedMs) {
        return batch * 1000.0 / median(sortedMs);
    }

    private static void stats(ObjectNode n, double[] sorted) {
        n.put("min", min(sorted));
        n.put("median", median(sorted));
        n.put("max", max(sorted));
    }

    private static double min(double[] sorted) {
        return sorted[0];
    }

    private static double max(double[] sorted) {
        return sorted[sorted.length - 1];
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
