package io.gradcam4j.bench;

import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.ScalarKernels;
import io.gradcam4j.engine.kernels.VectorKernels;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Our matmul (vector and scalar, engine thread pool) against EJML's {@code CommonOps_FDRM.mult}
 * (one thread) and {@code CommonOps_MT_FDRM.mult} (EJML's own threads) on the same shapes
 * {@code m x k x n}: a pointwise conv as GEMM (3136x256x256), Xception's middle-flow pointwise
 * (361x728x728) and a batch-1 Dense layer (1x4096x4096).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulBench {
    @Param({"3136x256x256", "361x728x728", "1x4096x4096"})
    public String shape;

    @Param({"vector", "scalar", "ejml", "ejml_mt"})
    public String impl;

    private int m;
    private int k;
    private int n;
    private float[] a;
    private float[] b;
    private float[] c;
    private FMatrixRMaj ma;
    private FMatrixRMaj mb;
    private FMatrixRMaj mc;
    private Kernels kernels;

    @Setup
    public void setup() {
        String[] d = shape.split("x");
        m = Integer.parseInt(d[0]);
        k = Integer.parseInt(d[1]);
        n = Integer.parseInt(d[2]);
        Random r = new Random(3);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        ma = FMatrixRMaj.wrap(m, k, a);
        mb = FMatrixRMaj.wrap(k, n, b);
        mc = FMatrixRMaj.wrap(m, n, c);
        kernels = impl.equals("scalar") ? ScalarKernels.INSTANCE : VectorKernels.INSTANCE;
    }

    @Benchmark
    public float[] multiply() {
        switch (impl) {
            case "ejml" -> CommonOps_FDRM.mult(ma, mb, mc);
            case "ejml_mt" -> CommonOps_MT_FDRM.mult(ma, mb, mc);
            default -> kernels.matmul(a, b, c, m, k, n);
        }
        return c;
    }
}
