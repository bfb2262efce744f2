package io.gradcam4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * ONNX Runtime's forward pass of a model exported from bench/compare/pytorch_models.py
 * (export_onnx.py), for timing beside ours: CPU execution provider, all graph optimizations,
 * {@code threads} intra-op threads and one inter-op thread, as a Java user would run it.
 * Opening it checks that ONNX Runtime gives PyTorch's logits on the input exported with it: a
 * ratio against a model that computes something else would mean nothing.
 */
final class OrtPeer implements AutoCloseable {
    /** Largest difference from PyTorch's logits, relative to their largest magnitude, that is still the same model. */
    static final double LOGIT_TOLERANCE = 1e-4;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final double logitDifference;

    OrtPeer(Path onnx, int threads) throws OrtException, IOException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // its threads poll for work during a run, as ours do, but stop when the run returns: with
        // the default they go on polling into our pass, which runs next on the same two cores
        options.addConfigEntry("session.force_spinning_stop", "1");
        session = env.createSession(onnx.toString(), options);
        logitDifference = checkAgainstPyTorch(onnx);
    }

    /** The relative difference of ONNX Runtime's logits from PyTorch's on the exported input; throws above the tolerance. */
    private double checkAgainstPyTorch(Path onnx) throws OrtException, IOException {
        String stem = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        Tensor input = Npy.read(onnx.resolveSibling(stem + ".input.npy"));
        float[] expected = Npy.read(onnx.resolveSibling(stem + ".logits.npy")).data();
        float[] got = forward(input.data(), input.shape());
        if (got.length != expected.length) {
            throw new IllegalStateException(onnx + ": ONNX Runtime gives " + got.length + " logits, PyTorch " + expected.length);
        }
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        double relative = worst / Math.max(scale, 1e-30);
        if (!(relative <= LOGIT_TOLERANCE)) {
            throw new IllegalStateException(onnx + ": ONNX Runtime's logits differ from PyTorch's by " + relative
                    + " of their largest magnitude (tolerance " + LOGIT_TOLERANCE + ")");
        }
        return relative;
    }

    /** The logits of a batch in NCHW layout, flattened. */
    float[] forward(float[] nchw, int[] shape) throws OrtException {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), dims);
             OrtSession.Result r = session.run(Map.of(session.getInputNames().iterator().next(), x))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer b = out.getFloatBuffer();
            float[] logits = new float[b.remaining()];
            b.get(logits);
            return logits;
        }
    }

    /** The relative logit difference from PyTorch found when opening. */
    double logitDifference() {
        return logitDifference;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
