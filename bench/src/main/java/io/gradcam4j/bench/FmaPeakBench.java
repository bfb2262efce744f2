package io.gradcam4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The machine's FMA peak as the Vector API reaches it: 12 independent chains of register FMAs
 * (enough to cover latency x pipes on current x86 cores), no memory traffic. One call performs
 * {@link #FLOPS_PER_CALL} floating-point operations; with 2 threads the score is the sum.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ITERATIONS = 10_000;
    static final int CHAINS = 12;
    public static final double FLOPS_PER_CALL = 2.0 * ITERATIONS * CHAINS * S.length();

    public float mul = 0.999_999f;
    public float add = 1e-6f;

    @Benchmark
    @Threads(1)
    public float fma1Thread() {
        return chains();
    }

    @Benchmark
    @Threads(2)
    public float fma2Threads() {
        return chains();
    }

    private float chains() {
        FloatVector m = FloatVector.broadcast(S, mul);
        FloatVector c = FloatVector.broadcast(S, add);
        FloatVector a0 = FloatVector.broadcast(S, 1f);
        FloatVector a1 = FloatVector.broadcast(S, 2f);
        FloatVector a2 = FloatVector.broadcast(S, 3f);
        FloatVector a3 = FloatVector.broadcast(S, 4f);
        FloatVector a4 = FloatVector.broadcast(S, 5f);
        FloatVector a5 = FloatVector.broadcast(S, 6f);
        FloatVector a6 = FloatVector.broadcast(S, 7f);
        FloatVector a7 = FloatVector.broadcast(S, 8f);
        FloatVector a8 = FloatVector.broadcast(S, 9f);
        FloatVector a9 = FloatVector.broadcast(S, 10f);
        FloatVector a10 = FloatVector.broadcast(S, 11f);
        FloatVector a11 = FloatVector.broadcast(S, 12f);
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return FloatVector.zero(S).add(a0).add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
