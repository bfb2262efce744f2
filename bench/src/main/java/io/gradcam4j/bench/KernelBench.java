package io.gradcam4j.bench;

import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.ScalarKernels;
import io.gradcam4j.engine.kernels.VectorKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Each kernel, Vector API against scalar, on real layer shapes ({@link Workload#SHAPES}), with the
 * engine's thread pool (all processors unless -Dgradcam4j.threads is given). Score: calls per
 * second; {@link RunBenchmarks} turns it into GFLOP/s. The vector kernels run the 3x3 stride-1
 * shapes (conv3x3_*, convdx3x3_*) as Winograd F(2x2,3x3): their GFLOP/s are direct convolution's
 * multiply-adds per second ("effective"), comparable with the scalar rows and earlier runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBench {
    @Param({
        "conv3x3_224x224x64_64", "conv3x3_56x56x256_256", "conv1x1_56x56x256_256", "conv1x1_19x19x728_728",
        "conv3x3_14x14x512_512", "depthwise3x3_56x56x256",
        "convdx3x3_56x56x128_128", "convdw3x3_56x56x128_128", "depthwisedx3x3_56x56x256",
        "depthwisedw3x3_56x56x256", "matmul_1x4096x4096", "matmulTransB_1x4096x4096", "matmulTransA_32x4096x1000"
    })
    public String shape;

    @Param({"vector", "scalar"})
    public String kernels;

    private Kernels impl;
    private Workload work;

    @Setup
    public void setup() {
        impl = kernels.equals("vector") ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE;
        work = Workload.of(shape);
    }

    @Benchmark
    public float[] run() {
        work.run(impl);
        return work.out;
    }
}
