package io.gradcam4j.keras;

/**
 * A model file that cannot be read at all: not HDF5, truncated, or damaged (an HDF5 object that
 * does not parse, a dataset whose declared size is impossible, an attribute that should hold
 * JSON or strings and does not). The message names the file and the HDF5 object being read;
 * {@link #file()} and {@link #object()} give them separately.
 */
public class CorruptModelFileException extends KerasFormatException {
    private final String file;
    private final String object;

    /**
     * @param file   the file's name as the user gave it
     * @param object the HDF5 object being read (e.g. {@code attribute /model_config},
     *               {@code dataset /model_weights/conv1/conv1/kernel:0}), or null for the file as a whole
     * @param what   what is wrong, in words
     */
    public CorruptModelFileException(String file, String object, String what, Throwable cause) {
        super(file + ": " + (object == null ? "" : object + ": ") + what, cause);
        this.file = file;
        this.object = object;
    }

    public CorruptModelFileException(String file, String object, String what) {
        this(file, object, what, null);
    }

    /** The file's name as the user gave it. */
    public String file() {
        return file;
    }

    /** The HDF5 object being read when the problem was found, or null for the file as a whole. */
    public String object() {
        return object;
    }
}
