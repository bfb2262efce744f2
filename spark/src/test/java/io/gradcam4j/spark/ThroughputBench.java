package io.gradcam4j.spark;

import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.applications.Application;
import io.gradcam4j.keras.applications.Applications;
import io.gradcam4j.keras.applications.Preprocessing;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images per second per executor core: Grad-CAM of the demo's 200 held-out pictures (PNG bytes
 * cached in memory, so file reading is not measured) through {@link GradCamTransformer} on
 * local[N], against the library itself on one thread in the same JVM and run (the peer: what
 * one core does without Spark). Prints min and median over the repeats, the CPU and the load.
 *
 * <pre>
 * java [Spark's --add-opens] -Xmx1g -cp spark/target/test-classes:spark/target/classes:$(cat spark/target/classpath.txt) \
 *     io.gradcam4j.spark.ThroughputBench demo|mobilenet [cores=1] [repeats=5] [copies of the 200 pictures=5]
 * </pre>
 */
public final class ThroughputBench {

    private ThroughputBench() {
    }

    public static void main(String[] args) throws IOException {
        String which = args.length > 0 ? args[0] : "demo";
        int cores = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int copies = args.length > 3 ? Integer.parseInt(args[3]) : 5;   // 1000 images: a job's fixed cost is amortised
        boolean mobilenet = which.equals("mobilenet");
        List<Path> files;
        try (Stream<Path> s = Files.walk(LibraryReference.HELDOUT)) {
            files = s.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("gradcam4j-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < copies; c++) {
            for (Path f : files) {
                rows.add(RowFactory.create(f.toString(), Files.readAllBytes(f)));
            }
        }
        StructType schema = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType);
        Dataset<Row> images = spark.createDataFrame(rows, schema).repartition(cores * 4).cache();
        images.count();
        GradCamTransformer t = new GradCamTransformer().setBatchSize(16);
        if (mobilenet) {
            t.setModelPath("mobilenet_0.25_128").setWeights("none");
        } else {
            t.setModelPath(LibraryReference.DEMO_RECORD.toString());
        }
        // The peer: the library on one thread in this JVM, the same images in batches of 16.
        KerasModel model;
        Preprocessing pre;
        String layer;
        if (mobilenet) {
            Application app = Applications.byName("mobilenet_0.25_128");
            model = Applications.seeded(app);
            pre = app.preprocessing();
        } else {
            model = KerasH5File.loadModel(LibraryReference.DEMO_DIR.resolve("shapes_clean.h5"));
            pre = Preprocessing.NONE;
        }
        layer = model.suggestedGradcamLayer();
        int size = model.inputShape()[0];
        ImageLoader.Options options = new ImageLoader.Options(size, size, 3, ImageLoader.Interpolation.NEAREST, false,
                ImageLoader.DEFAULT_MAX_PIXELS);
        ExplainRequest request = new ExplainRequest(List.of(layer),
                (java.util.function.Function<float[], List<Integer>>) p -> List.of(), ScoreKind.LOGIT,
                MethodOptions.defaults(), pre::apply, null);
        // The Spark runs and the library's alternate, so that the JIT's late work and the
        // machine's load fall on both alike.
        double[] sparkSeconds = new double[repeats + 1];
        double[] sparkCpu = new double[repeats + 1];
        double[] librarySeconds = new double[repeats + 1];
        double[] libraryCpu = new double[repeats + 1];
        for (int r = 0; r <= repeats; r++) {   // the first of each is warm-up (JIT, model load)
            long t0 = System.nanoTime();
            long c0 = processCpuNanos();
            t.transform(images).write().format("noop").mode("overwrite").save();
            sparkSeconds[r] = (System.nanoTime() - t0) / 1e9;
            sparkCpu[r] = (processCpuNanos() - c0) / 1e9;
            Parallel.useThreads(1);   // as the tasks set it (one task slot of one core)
            t0 = System.nanoTime();
            c0 = processCpuNanos();
            for (int from = 0; from < rows.size(); from += 16) {
                List<Tensor> batch = new ArrayList<>();
                for (Row row : rows.subList(from, Math.min(rows.size(), from + 16))) {
                    batch.add(pre.apply(ImageLoader.load((byte[]) row.get(1), row.getString(0), options).pixels()));
                }
                Methods.byName("gradcam").explain(model.graph(), Tensor.stack(batch), request);
            }
            librarySeconds[r] = (System.nanoTime() - t0) / 1e9;
            libraryCpu[r] = (processCpuNanos() - c0) / 1e9;
        }
        long sparkHeap = peakHeap();
        spark.stop();
        report(which, cores, rows.size(), sparkSeconds, librarySeconds, sparkHeap);
        // CPU time is what a busy shared machine does not inflate: the cost of an image in core-seconds
        System.out.printf(Locale.ROOT, "  process CPU per image (median): spark %.2f ms, library %.2f ms%n",
                1e3 * median(sparkCpu) / rows.size(), 1e3 * median(libraryCpu) / rows.size());
    }

    private static void report(String which, int cores, int images, double[] spark, double[] library, long heap)
            throws IOException {
        double[] s = Arrays.copyOfRange(spark, 1, spark.length);
        double[] l = Arrays.copyOfRange(library, 1, library.length);
        Arrays.sort(s);
        Arrays.sort(l);
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(x -> x.startsWith("model name"))
                .findFirst().map(x -> x.substring(x.indexOf(':') + 1).strip()).orElse("unknown CPU");
        System.out.printf(Locale.ROOT, "%s, %d logical CPUs, load average %s (shared machine: noisy)%n", cpu,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        System.out.printf(Locale.ROOT, "model %s, Grad-CAM, %d images, batch 16, %d repeats after one warm-up%n", which,
                images, s.length);
        System.out.printf(Locale.ROOT, "  spark local[%d]: min %.2f s, median %.2f s -> %.1f images/s per core (best), "
                + "%.1f (median)%n", cores, s[0], s[s.length / 2], images / s[0] / cores, images / s[s.length / 2] / cores);
        System.out.printf(Locale.ROOT, "  library, 1 thread: min %.2f s, median %.2f s -> %.1f images/s (best), %.1f "
                + "(median)%n", l[0], l[l.length / 2], images / l[0], images / l[l.length / 2]);
        System.out.printf(Locale.ROOT, "  ratio spark per core / library (medians): %.2f%n",
                (images / s[s.length / 2] / cores) / (images / l[l.length / 2]));
        System.out.printf(Locale.ROOT, "  peak heap used during the Spark runs (driver = executor in local mode): %d MB "
                + "(-Xmx %d MB)%n", heap >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The median of the repeats after the warm-up. */
    private static double median(double[] withWarmUp) {
        double[] v = Arrays.copyOfRange(withWarmUp, 1, withWarmUp.length);
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /** The sum of the heap pools' peaks since the JVM started. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
