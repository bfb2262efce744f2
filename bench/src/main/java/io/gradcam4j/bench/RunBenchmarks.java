package io.gradcam4j.bench;

import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the JMH benchmarks (all, or those selected by the usual JMH command-line options) and
 * prints GFLOP/s per result, the vector/scalar speedup per kernel and the share of the
 * measured 2-thread FMA peak.
 */
public final class RunBenchmarks {
    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new CommandLineOptions(args);
        Collection<RunResult> results = new Runner(options).run();
        summarize(results);
    }

    static void summarize(Collection<RunResult> results) {
        Map<String, Double> gflops = new LinkedHashMap<>();
        Map<String, Double> modelMs = new LinkedHashMap<>();
        double peak1 = Double.NaN;
        double peak2 = Double.NaN;
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            double perSecond = r.getPrimaryResult().getScore(); // ops/s (Throughput mode)
            String simple = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            if (simple.startsWith("FmaPeakBench")) {
                double g = perSecond * FmaPeakBench.FLOPS_PER_CALL / 1e9;
                if (simple.endsWith("fma1Thread")) {
                    peak1 = g;
                } else {
                    peak2 = g;
                }
                gflops.put(simple, g);
            } else if (simple.startsWith("KernelBench")) {
                String shape = r.getParams().getParam("shape");
                gflops.put("kernel " + shape + " " + r.getParams().getParam("kernels"),
                        perSecond * Workload.of(shape).flops() / 1e9);
            } else if (simple.startsWith("ModelBench")) {
                // AverageTime mode: the score is milliseconds per call
                modelMs.put(r.getParams().getParam("model") + " " + simple.substring(simple.indexOf('.') + 1),
                        r.getPrimaryResult().getScore());
            } else if (simple.startsWith("MatmulBench")) {
                String[] d = r.getParams().getParam("shape").split("x");
                double f = 2.0 * Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
                gflops.put("gemm " + r.getParams().getParam("shape") + " " + r.getParams().getParam("impl"),
                        perSecond * f / 1e9);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "gradcam4j kernels: %s, engine threads: %d, processors: %d%n",
                Kernels.active().name(), Parallel.threads(), Runtime.getRuntime().availableProcessors());
        if (!Double.isNaN(peak1) || !Double.isNaN(peak2)) {
            System.out.printf(Locale.ROOT, "FMA peak (Vector API, registers only): 1 thread %.1f GFLOP/s, 2 threads %.1f GFLOP/s%n",
                    peak1, peak2);
        }
        if (Kernels.active().name().contains("Winograd")) {
            System.out.println("3x3 stride-1 conv rows with 32+ channels run Winograd F(2x2,3x3) in the vector kernels;"
                    + " their GFLOP/s count direct convolution's multiply-adds (2.25x more than Winograd does)");
        }
        System.out.printf(Locale.ROOT, "%-46s %10s %9s %9s%n", "benchmark", "GFLOP/s", "vs scalar", "% peak2");
        List<String> keys = new ArrayList<>(gflops.keySet());
        for (String key : keys) {
            if (key.startsWith("FmaPeak")) {
                continue;
            }
            double g = gflops.get(key);
            String speedup = "";
            if (key.endsWith(" vector")) {
                Double s = gflops.get(key.substring(0, key.length() - " vector".length()) + " scalar");
                if (s != null && s > 0) {
                    speedup = String.format(Locale.ROOT, "%.1fx", g / s);
                }
            }
            String pct = Double.isNaN(peak2) ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * g / peak2);
            System.out.printf(Locale.ROOT, "%-46s %10.2f %9s %9s%n", key, g, speedup, pct);
        }
        for (Map.Entry<String, Double> e : modelMs.entrySet()) {
            System.out.printf(Locale.ROOT, "model %-40s %10.1f ms (JMH mean)%n", e.getKey(), e.getValue());
        }
    }
}
