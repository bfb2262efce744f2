package io.gradcam4j.engine.train;

import io.gradcam4j.engine.Tensor;

/**
 * A labelled dataset for {@link Trainer}: {@link #size()} examples, each an input and a class
 * index, gathered into mini-batches on demand (so a large dataset can live compactly, e.g. as
 * bytes, or be generated).
 */
public interface Examples {

    int size();

    /** The class index of example {@code i}. */
    int label(int i);

    /** The inputs of the given examples stacked along a new first (batch) axis. */
    Tensor batch(int[] indices);

    /** Examples held in one tensor whose first axis is the example index. */
    static Examples of(Tensor inputs, int[] labels) {
        if (inputs.rank() < 1 || inputs.dim(0) != labels.length) {
            throw new IllegalArgumentException(labels.length + " labels for inputs " + inputs);
        }
        int[] shape = inputs.shape();
        int per = inputs.size() / shape[0];
        int[] labelCopy = labels.clone();
        return new Examples() {
            @Override
            public int size() {
                return labelCopy.length;
            }

            @Override
            public int label(int i) {
                return labelCopy[i];
            }

            @Override
            public Tensor batch(int[] indices) {
                int[] s = shape.clone();
                s[0] = indices.length;
                Tensor out = Tensor.zeros(s);
                for (int k = 0; k < indices.length; k++) {
                    System.arraycopy(inputs.data(), indices[k] * per, out.data(), k * per, per);
                }
                return out;
            }
        };
    }
}
