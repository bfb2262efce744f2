package io.gradcam4j.keras;

/**
 * Which Keras wrote a file, and with which backend: what decides the conversions Keras's own
 * legacy loader applies (Keras 1 argument names and kernel layouts, Theano kernel flips) and
 * version-dependent definitions (Keras 3's hard_sigmoid).
 *
 * @param kerasVersion the file's {@code keras_version} attribute; Keras treats a missing one as Keras 1
 * @param backend the file's {@code backend} attribute, or {@code null} when absent
 */
public record KerasOrigin(String kerasVersion, String backend) {

    /** What a model built in Java (or a TF.js-written config) is: Keras 2 on TensorFlow. */
    public static final KerasOrigin KERAS_2 = new KerasOrigin("2.15.0", "tensorflow");

    public boolean isKeras1() {
        return kerasVersion == null || kerasVersion.isEmpty() || kerasVersion.startsWith("1");
    }

    public boolean isKeras3() {
        return kerasVersion != null && kerasVersion.startsWith("3.");
    }

    /**
     * Theano computed true convolutions, TensorFlow computes correlations: Keras flips the
     * spatial axes of conv kernels saved by Theano (its {@code _need_convert_kernel}).
     */
    public boolean flipsConvKernels() {
        return "theano".equals(backend);
    }
}
