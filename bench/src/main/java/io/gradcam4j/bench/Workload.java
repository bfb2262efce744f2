package io.gradcam4j.bench;

import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.kernels.ConvWeights;
import io.gradcam4j.engine.kernels.Epilogue;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.WindowGeometry;

import java.util.Random;

/**
 * One kernel call on a real layer's shape, with its floating-point operation count
 * (2 x multiply-adds). Names are {@code op_HxWxC_out}, optionally followed by {@code _s2} (stride 2)
 * and {@code _b32} (batch 32); the inputs are random, the destination
 * accumulates (as the kernels specify; {@code conv} and {@code depthwise} overwrite it) and is never read back.
 */
public final class Workload {
    public final String name;
    private final String op;
    private final WindowGeometry g;
    private final int outOrMult;
    private final int m;
    private final int k;
    private final int n;
    private final float[] in1;
    private final float[] in2;
    public final float[] out;
    /** For {@code conv}: no shift, no clamp. */
    private final Epilogue linear;
    private ConvWeights prepared;
    private Kernels preparedBy;

    private Workload(String name, String op, WindowGeometry g, int outOrMult, int m, int k, int n) {
        this.name = name;
        this.op = op;
        this.g = g;
        this.outOrMult = outOrMult;
        this.m = m;
        this.k = k;
        this.n = n;
        Random r = new Random(1);
        int[] sizes = sizes();
        in1 = random(sizes[0], r);
        in2 = random(sizes[1], r);
        out = new float[sizes[2]];
        linear = new Epilogue(new float[Math.max(outOrMult, 0)], Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /** The shapes measured by {@link KernelBench}. */
    public static final String[] SHAPES = {
        "conv3x3_224x224x64_64",   // VGG19 block1_conv2, the largest conv of VGG19
        "conv3x3_56x56x256_256",   // VGG19 block3_conv2..4
        "conv1x1_56x56x256_256",   // a pointwise conv: one GEMM 3136x256x256
        "conv1x1_19x19x728_728",   // Xception middle flow: 24 such convs, over half of its multiply-adds
        "conv3x3_14x14x512_512",   // VGG19 block5_conv1..4: small images, many partial tiles per row
        "depthwise3x3_56x56x256",  // a MobileNet / Xception style depthwise conv
        "convdx3x3_56x56x128_128", // conv input gradient
        "convdw3x3_56x56x128_128", // conv kernel gradient
        "depthwisedx3x3_56x56x256",
        "depthwisedw3x3_56x56x256",
        "matmul_1x4096x4096",      // batch-1 Dense (VGG fc2)
        "matmulTransB_1x4096x4096", // its input gradient (Grad-CAM backward through the head)
        "matmulTransA_32x4096x1000" // a Dense weight gradient, batch 32
    };

    public static Workload of(String name) {
        String[] parts = name.split("_");
        String op = parts[0];
        if (op.startsWith("matmul")) {
            String[] d = parts[1].split("x");
            return new Workload(name, op, null, 0, Integer.parseInt(d[0]), Integer.parseInt(d[1]),
                    Integer.parseInt(d[2]));
        }
        java.util.regex.Matcher opm = java.util.regex.Pattern.compile("([a-zA-Z]+?)(\\d+)x(\\d+)").matcher(op);
        if (!opm.matches()) {
            throw new IllegalArgumentException("unknown workload " + name);
        }
        String kind = opm.group(1);
        int kh = Integer.parseInt(opm.group(2));
        int kw = Integer.parseInt(opm.group(3));
        String[] d = parts[1].split("x");
        int h = Integer.parseInt(d[0]);
        int w = Integer.parseInt(d[1]);
        int c = Integer.parseInt(d[2]);
        int outOrMult = parts.length > 2 ? Integer.parseInt(parts[2]) : 1;
        int stride = 1;
        int batch = 1;
        for (int i = 3; i < parts.length; i++) {   // options: s2 (stride 2), b32 (batch 32)
            int v = Integer.parseInt(parts[i].substring(1));
            switch (parts[i].charAt(0)) {
                case 's' -> stride = v;
                case 'b' -> batch = v;
                default -> throw new IllegalArgumentException("unknown option " + parts[i] + " in " + name);
            }
        }
        WindowGeometry g = WindowGeometry.of(new int[] {batch, h, w, c}, kh, kw, stride, stride, 1, 1, Padding.SAME);
        return new Workload(name, kind, g, outOrMult, 0, 0, 0);
    }

    /** Sizes of the two inputs and the destination. */
    private int[] sizes() {
        switch (op) {
            case "matmul":
                return new int[] {m * k, k * n, m * n};
            case "matmulTransB": // c[m,k] += a[m,n] b[k,n]^T, named m x n x k here as m x k x n in the shape
                return new int[] {m * k, n * k, m * n};
            case "matmulTransA": // c[k,n] += a[m,k]^T b[m,n]
                return new int[] {m * k, m * n, k * n};
            default:
                break;
        }
        int inPix = g.batch() * g.inH() * g.inW();
        int outPix = g.batch() * g.outH() * g.outW();
        int taps = g.kh() * g.kw();
        int c = g.channels();
        switch (op) {
            case "conv":
                return new int[] {inPix * c, taps * c * outOrMult, outPix * outOrMult};
            case "convdx":
                return new int[] {outPix * outOrMult, taps * c * outOrMult, inPix * c};
            case "convdw":
                return new int[] {inPix * c, outPix * outOrMult, taps * c * outOrMult};
            case "depthwise":
                return new int[] {inPix * c, taps * c * outOrMult, outPix * c * outOrMult};
            case "depthwisedx":
                return new int[] {outPix * c * outOrMult, taps * c * outOrMult, inPix * c};
            case "depthwisedw":
                return new int[] {inPix * c, outPix * c * outOrMult, taps * c * outOrMult};
            default:
                throw new IllegalArgumentException("unknown workload " + name);
        }
    }

    /** 2 x multiply-adds of one call (for same-padded convs: as if the padding were multiplied too). */
    public double flops() {
        if (op.startsWith("matmul")) {
            return 2.0 * m * k * n;
        }
        double outPix = (double) g.batch() * g.outH() * g.outW();
        double taps = g.kh() * g.kw();
        if (op.startsWith("depthwise")) {
            return 2.0 * outPix * taps * g.channels() * outOrMult;
        }
        return 2.0 * outPix * taps * g.channels() * outOrMult;
    }

    /**
     * Runs the kernel once. A {@code conv} runs as a folded layer of a model does at inference:
     * weights prepared once (packed, for the vector kernels) and the result stored through a linear
     * epilogue, so the figure does not include packing 9 MB of weights on every call.
     */
    public void run(Kernels kernels) {
        switch (op) {
            case "conv" -> kernels.conv2dFused(in1, prepared(kernels), g, linear, out);
            case "convdx" -> kernels.conv2dInputGrad(in1, in2, outOrMult, g, out);
            case "convdw" -> kernels.conv2dKernelGrad(in1, in2, outOrMult, g, out);
            case "depthwise" -> kernels.depthwiseConv2d(in1, in2, outOrMult, g, out);
            case "depthwisedx" -> kernels.depthwiseConv2dInputGrad(in1, in2, outOrMult, g, out);
            case "depthwisedw" -> kernels.depthwiseConv2dKernelGrad(in1, in2, outOrMult, g, out);
            case "matmul" -> kernels.matmul(in1, in2, out, m, k, n);
            // shape m x k x n: a is m x k (the output gradient), b is n x k (the weights), c is m x n
            case "matmulTransB" -> kernels.matmulTransB(in1, in2, out, m, k, n);
            case "matmulTransA" -> kernels.matmulTransA(in1, in2, out, m, k, n);
            default -> throw new IllegalArgumentException(op);
        }
    }

    private ConvWeights prepared(Kernels kernels) {
        if (preparedBy != kernels) {
            prepared = kernels.prepareConv(in2, new int[] {g.kh(), g.kw(), g.channels(), outOrMult});
            preparedBy = kernels;
        }
        return prepared;
    }

    private static float[] random(int size, Random r) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = 2f * r.nextFloat() - 1f;
        }
        return v;
    }
}
