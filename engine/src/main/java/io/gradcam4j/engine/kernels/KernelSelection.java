package io.gradcam4j.engine.kernels;

import java.util.Locale;

/**
 * Chooses the {@link Kernels} once, when this class is initialized: the Vector API kernels when
 * the module {@code jdk.incubator.vector} is in the boot layer (java was started with
 * {@code --add-modules jdk.incubator.vector}) and {@link VectorKernels} loads, the scalar
 * reference otherwise. The system property {@code gradcam4j.kernels} ({@code auto}, {@code scalar}
 * or {@code vector}) overrides the choice; asking for {@code vector} where it cannot run fails
 * with a message instead of running slowly in silence.
 *
 * <p>{@link VectorKernels} is only ever named as a string here, so the engine loads and runs on
 * a JVM without the incubator module.
 */
final class KernelSelection {
    static final String PROPERTY = "gradcam4j.kernels";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String VECTOR_CLASS = "io.gradcam4j.engine.kernels.VectorKernels";

    static final Kernels ACTIVE = select(System.getProperty(PROPERTY), vectorModulePresent());

    private KernelSelection() {
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * The kernels for a property value (null or blank = auto) and whether the module is present.
     *
     * @throws IllegalArgumentException for an unknown property value
     * @throws IllegalStateException    when {@code vector} is asked for and cannot be had
     */
    static Kernels select(String property, boolean modulePresent) {
        String mode = property == null || property.isBlank() ? "auto" : property.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "scalar":
                return ScalarKernels.INSTANCE;
            case "vector": {
                if (!modulePresent) {
                    throw new IllegalStateException(PROPERTY + "=vector, but the module " + VECTOR_MODULE
                            + " is not available: start java with --add-modules " + VECTOR_MODULE);
                }
                Kernels k = loadVector();
                if (k == null) {
                    throw new IllegalStateException(PROPERTY + "=vector, but " + VECTOR_CLASS + " could not be loaded");
                }
                return k;
            }
            case "auto": {
                Kernels k = modulePresent ? loadVector() : null;
                return k != null ? k : ScalarKernels.INSTANCE;
            }
            default:
                throw new IllegalArgumentException("unknown " + PROPERTY + "=" + property
                        + " (expected auto, scalar or vector)");
        }
    }

    /** VectorKernels.INSTANCE by reflection, or null when it cannot be loaded here. */
    static Kernels loadVector() {
        try {
            Class<?> c = Class.forName(VECTOR_CLASS);
            return (Kernels) c.getField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return null;
        }
    }
}
