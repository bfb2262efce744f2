package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.BiasGradientListener;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * BatchNormalization over the last axis.
 *
 * <p>Inference: {@code y = (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta}.
 * Training: the same with the batch mean and (biased) batch variance over all other axes, and
 * the moving statistics updated as Keras does: {@code moving = moving * momentum + batch * (1 - momentum)}.
 * {@code gamma} or {@code beta} is {@code null} when the layer has {@code scale=False} or
 * {@code center=False}.
 */
public final class BatchNorm implements Op {
    private final Param gamma;
    private final Param beta;
    private final Param movingMean;
    private final Param movingVariance;
    private final float epsilon;
    private final float momentum;

    public BatchNorm(Param gamma, Param beta, Param movingMean, Param movingVariance, float epsilon, float momentum) {
        this.gamma = gamma;
        this.beta = beta;
        this.movingMean = movingMean;
        this.movingVariance = movingVariance;
        this.epsilon = epsilon;
        this.momentum = momentum;
        int c = movingMean.value().size();
        for (Param p : params()) {
            if (p.value().rank() != 1 || p.value().size() != c) {
                throw new IllegalArgumentException("BatchNormalization weight '" + p.name() + "' has shape "
                        + p.value() + ", expected [" + c + "]");
            }
        }
    }

    @Override
    public Step forward(Tensor[] inputs, Mode mode) {
        Tensor x = inputs[0];
        int c = movingMean.value().size();
        if (x.dim(-1) != c) {
            throw new IllegalArgumentException("BatchNormalization over " + c + " channels got input " + x);
        }
        return mode.training() ? forwardTraining(x, c) : forwardInference(x, c);
    }

    private Step forwardInference(Tensor x, int c) {
        float[] mean = movingMean.value().data();
        float[] invStd = inverseStd();
        return normalize(x, c, mean, invStd, (dy, dx) -> {
            BiasGradientListener biases = BackwardRules.current().biases();
            if (biases != null && dy.rank() == 4) {
                biases.heard(inferenceShift(), dy);   // FullGrad: the normalization's own bias
            }
            // mean and variance are constants here: dx = dy * gamma / std
            float[] g = dy.data();
            float[] d = dx.data();
            for (int i = 0; i < g.length; i += c) {
                for (int j = 0; j < c; j++) {
                    d[i + j] = g[i + j] * gammaAt(j) * invStd[j];
                }
            }
        });
    }

    private Step forwardTraining(Tensor x, int c) {
        float[] xs = x.data();
        int count = xs.length / c;
        double[] sum = new double[c];
        for (int i = 0; i < xs.length; i += c) {
            for (int j = 0; j < c; j++) {
                sum[j] += xs[i + j];
            }
        }
        float[] mean = new float[c];
        for (int j = 0; j < c; j++) {
            mean[j] = (float) (sum[j] / count);
        }
        double[] sq = new double[c];
        for (int i = 0; i < xs.length; i += c) {
            for (int j = 0; j < c; j++) {
                double d = xs[i + j] - mean[j];
                sq[j] += d * d;
            }
        }
        float[] var = new float[c];
        float[] invStd = new float[c];
        for (int j = 0; j < c; j++) {
            var[j] = (float) (sq[j] / count);
            invStd[j] = (float) (1.0 / Math.sqrt((double) var[j] + epsilon));
        }
        updateMoving(movingMean, mean);
        updateMoving(movingVariance, var);
        return normalize(x, c, mean, invStd, (dy, dx) -> {
            // Through the batch statistics: dx = gamma*invStd/M * (M*dy - sum(dy) - xhat*sum(dy*xhat)).
            float[] g = dy.data();
            float[] d = dx.data();
            double[] sumDy = new double[c];
            double[] sumDyXhat = new double[c];
            for (int i = 0; i < g.length; i += c) {
                for (int j = 0; j < c; j++) {
                    double xhat = (xs[i + j] - mean[j]) * invStd[j];
                    sumDy[j] += g[i + j];
                    sumDyXhat[j] += g[i + j] * xhat;
                }
            }
            for (int i = 0; i < g.length; i += c) {
                for (int j = 0; j < c; j++) {
                    double xhat = (xs[i + j] - mean[j]) * invStd[j];
                    double k = gammaAt(j) * invStd[j] / count;
                    d[i + j] = (float) (k * (count * (double) g[i + j] - sumDy[j] - xhat * sumDyXhat[j]));
                }
            }
        });
    }

    /** How the input gradient is computed differs between modes; the rest is shared. */
    private interface InputGradRule {
        void fill(Tensor dy, Tensor dx);
    }

    private Step normalize(Tensor x, int c, float[] mean, float[] invStd, InputGradRule inputGrad) {
        float[] xs = x.data();
        Tensor y = Tensor.zerosLike(x);
        float[] ys = y.data();
        for (int i = 0; i < xs.length; i += c) {
            for (int j = 0; j < c; j++) {
                ys[i + j] = (xs[i + j] - mean[j]) * invStd[j] * gammaAt(j) + betaAt(j);
            }
        }
        return new Step(y, (dy, weightGrads) -> {
            Tensor dx = Tensor.zerosLike(x);
            inputGrad.fill(dy, dx);
            if (weightGrads != null) {
                float[] g = dy.data();
                if (gamma != null && gamma.trainable()) {
                    float[] dg = weightGrads.of(gamma).data();
                    for (int i = 0; i < g.length; i += c) {
                        for (int j = 0; j < c; j++) {
                            dg[j] += g[i + j] * (xs[i + j] - mean[j]) * invStd[j];
                        }
                    }
                }
                if (beta != null && beta.trainable()) {
                    float[] db = weightGrads.of(beta).data();
                    for (int i = 0; i < g.length; i += c) {
                        for (int j = 0; j < c; j++) {
                            db[j] += g[i + j];
                        }
                    }
                }
            }
            return new Tensor[] {dx};
        });
    }

    private void updateMoving(Param moving, float[] batch) {
        float[] old = moving.value().data();
        float[] updated = new float[old.length];
        for (int j = 0; j < old.length; j++) {
            updated[j] = old[j] * momentum + batch[j] * (1f - momentum);
        }
        moving.set(Tensor.of(updated, old.length));
    }

    private float[] inverseStd() {
        float[] var = movingVariance.value().data();
        float[] invStd = new float[var.length];
        for (int j = 0; j < var.length; j++) {
            invStd[j] = (float) (1.0 / Math.sqrt((double) var[j] + epsilon));
        }
        return invStd;
    }

    /** Inference as an affine map per channel, {@code y = x * scale + shift}: the scale. */
    public float[] inferenceScale() {
        float[] s = inverseStd();
        for (int j = 0; j < s.length; j++) {
            s[j] *= gammaAt(j);
        }
        return s;
    }

    /** The shift of {@link #inferenceScale}: {@code beta - moving_mean * scale}. */
    public float[] inferenceShift() {
        float[] scale = inferenceScale();
        float[] mean = movingMean.value().data();
        float[] t = new float[scale.length];
        for (int j = 0; j < t.length; j++) {
            t[j] = betaAt(j) - mean[j] * scale[j];
        }
        return t;
    }

    private float gammaAt(int j) {
        return gamma == null ? 1f : gamma.value().data()[j];
    }

    private float betaAt(int j) {
        return beta == null ? 0f : beta.value().data()[j];
    }

    public float epsilon() {
        return epsilon;
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>();
        if (gamma != null) {
            ps.add(gamma);
        }
        if (beta != null) {
            ps.add(beta);
        }
        ps.add(movingMean);
        ps.add(movingVariance);
        return ps;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0].clone();
    }

    @Override
    public String describe() {
        return "BatchNormalization(epsilon " + epsilon + ", momentum " + momentum + ")";
    }
}
