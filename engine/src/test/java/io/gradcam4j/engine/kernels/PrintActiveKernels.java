package io.gradcam4j.engine.kernels;

/** Prints the active kernels' name; run in a child JVM by {@link KernelSelectionTest}. */
public final class PrintActiveKernels {
    private PrintActiveKernels() {
    }

    public static void main(String[] args) {
        System.out.println(Kernels.active().name());
    }
}
