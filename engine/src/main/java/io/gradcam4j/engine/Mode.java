package io.gradcam4j.engine;

import java.util.Random;

/**
 * Inference or training. In training, BatchNormalization uses batch statistics and updates its
 * moving averages, and Dropout draws masks from this mode's random source.
 */
public final class Mode {
    public static final Mode INFERENCE = new Mode(false, null);

    private final boolean training;
    private final Random random;

    private Mode(boolean training, Random random) {
        this.training = training;
        this.random = random;
    }

    public static Mode training(long seed) {
        return new Mode(true, new Random(seed));
    }

    public boolean training() {
        return training;
    }

    public Random random() {
        if (random == null) {
            throw new IllegalStateException("inference mode has no random source");
        }
        return random;
    }
}
