package io.gradcam4j.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central-difference gradient check of an op: L = sum(R * op(inputs)) for a fixed random R,
 * evaluated with the sums in double precision. The analytic gradients from the op's backward
 * rule (inputs and trainable weights) are compared with (L(x + h v) - L(x - h v)) / 2h along
 * random directions v and, element by element, on a sample of coordinates.
 *
 * <p>The forward pass itself is float32, so h is chosen at 1e-3: large enough that rounding
 * stays far below the tolerance, small enough that few ReLU/max kinks are crossed.
 */
public final class GradientCheck {
    private static final double H = 1e-3;
    private static final double TOLERANCE = 1e-2;
    private static final int DIRECTIONS = 3;
    private static final int ELEMENTS = 12;

    private final Op op;
    private final Tensor[] inputs;
    private final Supplier<Mode> mode;
    private final Random random;
    private Tensor projection;

    private GradientCheck(Op op, Tensor[] inputs, Supplier<Mode> mode, long seed) {
        this.op = op;
        this.inputs = inputs;
        this.mode = mode;
        this.random = new Random(seed);
    }

    public static void assertMatchesFiniteDifferences(Op op, Tensor... inputs) {
        new GradientCheck(op, inputs, () -> Mode.INFERENCE, 42).run();
    }

    /** For ops whose training forward is random: the supplier must return the same mode each time. */
    public static void assertMatchesFiniteDifferences(Op op, Supplier<Mode> mode, Tensor... inputs) {
        new GradientCheck(op, inputs, mode, 42).run();
    }

    /**
     * A BatchNormalization over {@code c} channels with random statistics: gamma in [0.5, 1.5],
     * beta and moving mean in [-1, 1], moving variance in [0.2, 2] (well away from zero).
     */
    public static io.gradcam4j.engine.ops.BatchNorm randomBatchNorm(Random r, int c) {
        return new io.gradcam4j.engine.ops.BatchNorm(new Param("gamma", random(r, 0.5f, 1.5f, c), true),
                new Param("beta", random(r, -1f, 1f, c), true), new Param("moving_mean", random(r, -1f, 1f, c), false),
                new Param("moving_variance", random(r, 0.2f, 2f, c), false), 1e-3f, 0.99f);
    }

    public static Tensor random(Random r, float lo, float hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * r.nextFloat();
        }
        return t;
    }

    private void run() {
        Step step = op.forward(inputs, mode.get());
        projection = random(random, -1f, 1f, step.output().shape());
        Gradients weightGrads = new Gradients();
        Tensor[] inputGrads = step.backward().apply(projection, weightGrads);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            checkVariable("input " + i, inputs[i].data(), inputGrads[i].data(), failures);
        }
        for (Param p : op.params()) {
            if (!p.trainable()) {
                continue;
            }
            Tensor g = weightGrads.get(p);
            if (g == null) {
                failures.add("no gradient was accumulated for weight '" + p.name() + "'");
                continue;
            }
            checkVariable("weight '" + p.name() + "'", p.value().data(), g.data(), failures);
        }
        if (!failures.isEmpty()) {
            fail(op.describe() + ": gradient check failed:\n  " + String.join("\n  ", failures));
        }
    }

    private void checkVariable(String what, float[] values, float[] analytic, List<String> failures) {
        for (int d = 0; d < DIRECTIONS; d++) {
            float[] v = new float[values.length];
            double expected = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextBoolean() ? 1f : -1f;
                expected += (double) analytic[i] * v[i];
            }
            double numeric = directional(values, v);
            compare(what + " along random direction " + d, numeric, expected, failures);
        }
        for (int k = 0; k < Math.min(ELEMENTS, values.length); k++) {
            int i = random.nextInt(values.length);
            float[] v = new float[values.length];
            v[i] = 1f;
            compare(what + " element " + i, directional(values, v), analytic[i], failures);
        }
    }

    private void compare(String what, double numeric, double analytic, List<String> failures) {
        double scale = Math.max(Math.max(Math.abs(numeric), Math.abs(analytic)), 1e-1);
        if (Math.abs(numeric - analytic) > TOLERANCE * scale) {
            failures.add(String.format("%s: finite difference %.6g, backward rule %.6g", what, numeric, analytic));
        }
    }

    /** (L(x + h v) - L(x - h v)) / 2h, restoring x afterwards. */
    private double directional(float[] values, float[] v) {
        float[] saved = values.clone();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (saved[i] + H * v[i]);
        }
        double plus = loss();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (saved[i] - H * v[i]);
        }
        double minus = loss();
        System.arraycopy(saved, 0, values, 0, values.length);
        return (plus - minus) / (2 * H);
    }

    private double loss() {
        float[] y = op.forward(inputs, mode.get()).output().data();
        float[] r = projection.data();
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += (double) y[i] * r[i];
        }
        return sum;
    }
}
