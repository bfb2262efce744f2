package io.gradcam4j.cli;

import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.Npy;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options that choose the explanation methods and their parameters, one name per parameter
 * for every method that takes it (docs/METHODS.md gives each default).
 */
final class MethodArguments {

    @Option(names = "--method", paramLabel = "NAME[,NAME...]", split = ",", defaultValue = "gradcam",
            description = "Explanation methods, or all (default: ${DEFAULT-VALUE}). See docs/METHODS.md.")
    List<String> methods = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "N", description = "Integrated Gradients: Gauss-Legendre points (default 50).")
    Integer steps;

    @Option(names = "--baseline", paramLabel = "black|zero|blur", description = "Integrated Gradients' baseline (default black).")
    String baseline;

    @Option(names = "--window", paramLabel = "PX", description = "Occlusion: window side in input pixels (default 16).")
    Integer window;

    @Option(names = "--stride", paramLabel = "PX", description = "Occlusion: stride (default 8).")
    Integer stride;

    @Option(names = "--fill", paramLabel = "V", description = "Occlusion: fill value of the model input (default 0).")
    Float fill;

    @Option(names = "--samples", paramLabel = "N", description = "SmoothGrad samples (default 50) or RISE masks (default 1000).")
    Integer samples;

    @Option(names = "--noise-level", paramLabel = "F",
            description = "SmoothGrad: noise sigma as a fraction of the input's range (default 0.15).")
    Double noiseLevel;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of SmoothGrad's noise and RISE's masks (default 0).")
    Long seed;

    @Option(names = "--noise", paramLabel = "FILE.npy", description = "SmoothGrad's noise as an N x H x W x C array.")
    Path noise;

    @Option(names = "--rise-masks", paramLabel = "FILE.npy", description = "RISE's masks as an N x H x W array (--masks DIR is the audit's object masks).")
    Path masks;

    @Option(names = "--max-channels", paramLabel = "N", description = "Score-CAM: score only the N channels of largest variance.")
    Integer maxChannels;

    @Option(names = "--cell-size", paramLabel = "PX", description = "RISE: grid cell in input pixels (default ceil(H/7)).")
    Integer cellSize;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Perturbed inputs per forward pass, and images explained together (default 16).")
    Integer batchSize;

    /** The chosen method names, {@code all} expanded; unknown names fail listing the valid ones. */
    List<String> methodNames() {
        List<String> names = new ArrayList<>();
        for (String m : methods) {
            String n = m.strip().toLowerCase(Locale.ROOT);
            if (n.equals("all")) {
                names.addAll(Methods.names());
            } else if (!n.isEmpty()) {
                Methods.byName(n);
                names.add(n);
            }
        }
        if (names.isEmpty()) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--method names no method; methods: " + String.join(", ", Methods.names()));
        }
        return names.stream().distinct().toList();
    }

    /** Whether the run compares methods side by side ({@code --method all}). */
    boolean all() {
        return methods.stream().anyMatch(m -> m.strip().equalsIgnoreCase("all"));
    }

    MethodOptions options() throws IOException {
        return MethodOptions.builder().steps(steps).baseline(baseline()).window(window).stride(stride).fill(fill)
                .samples(samples).noiseLevel(noiseLevel).seed(seed)
                .noise(noise != null ? Npy.read(noise) : null).masks(masks != null ? Npy.read(masks) : null)
                .maxChannels(maxChannels).cellSize(cellSize).batchSize(batchSize).build();
    }

    private MethodOptions.Baseline baseline() {
        if (baseline == null) {
            return null;
        }
        try {
            return MethodOptions.Baseline.valueOf(baseline.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--baseline must be black, zero or blur, not " + baseline);
        }
    }
}
