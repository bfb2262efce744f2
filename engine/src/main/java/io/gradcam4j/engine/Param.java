package io.gradcam4j.engine;

/**
 * A named weight of an op (a Keras "weight variable"): kernel, bias, gamma, moving_mean...
 * The value can be replaced (loading, training updates) but keeps its shape.
 */
public final class Param {
    private final String name;
    private final boolean trainable;
    private Tensor value;
    private int version;

    public Param(String name, Tensor value, boolean trainable) {
        this.name = name;
        this.value = value;
        this.trainable = trainable;
    }

    public String name() {
        return name;
    }

    public boolean trainable() {
        return trainable;
    }

    public Tensor value() {
        return value;
    }

    /** Replaces the value; the shape must stay the same. */
    public void set(Tensor newValue) {
        newValue.requireShape(value.shape(), "weight '" + name + "'");
        this.value = newValue;
        version++;
    }

    /**
     * Says that {@link #value()}'s data was changed in place (an optimizer step), so that values
     * derived from it (weights folded for inference) are computed again.
     */
    public void markChanged() {
        version++;
    }

    /** Counts changes: derived values remember the version they were computed from. */
    public int version() {
        return version;
    }

    @Override
    public String toString() {
        return name + value;
    }
}
