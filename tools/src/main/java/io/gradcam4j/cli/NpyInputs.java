package io.gradcam4j.cli;

import io.gradcam4j.engine.errors.InvalidRequestException;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --input}, repeatable: a preprocessed batch of images ({@code X.npy}) instead of image
 * files, and, for a model with several inputs, the value of each input that is not the image
 * ({@code NAME=X.npy}, held for every image).
 */
final class NpyInputs {

    @Option(names = "--input", paramLabel = "X.npy|NAME=X.npy",
            description = "Preprocessed images (N x H x W x C float32) instead of image files; for a model with "
                    + "several inputs, NAME=X.npy gives the input NAME its value (a batch of one), for every image "
                    + "(repeatable).")
    List<String> values = new ArrayList<>();

    /** The image batch given as {@code X.npy}, or null. */
    Path images() {
        List<Path> plain = new ArrayList<>();
        for (String v : values) {
            if (!isNamed(v)) {
                plain.add(Path.of(v));
            }
        }
        if (plain.size() > 1) {
            throw new InvalidRequestException("--input X.npy was given " + plain.size() + " times (" + plain
                    + "); give the images as one batch, and the other inputs of the model as NAME=X.npy");
        }
        return plain.isEmpty() ? null : plain.get(0);
    }

    /** The values given as {@code NAME=X.npy}, by input name. */
    Map<String, Path> named() {
        Map<String, Path> named = new LinkedHashMap<>();
        for (String v : values) {
            if (isNamed(v)) {
                int eq = v.indexOf('=');
                if (named.put(v.substring(0, eq), Path.of(v.substring(eq + 1))) != null) {
                    throw new InvalidRequestException("--input " + v.substring(0, eq) + "=... was given twice");
                }
            }
        }
        return named;
    }

    /**
     * For a command that takes image files only ({@code evaluate}, {@code audit}): the values of
     * the model's other inputs ({@code NAME=X.npy}); an image batch {@code X.npy} is refused.
     */
    Map<String, Path> otherInputsOnly(String command) {
        Path batch = images();
        if (batch != null) {
            throw new InvalidRequestException(command + " takes image files; --input " + batch + " is not NAME=X.npy "
                    + "(here --input gives the model's other inputs their values, for every image)");
        }
        return named();
    }

    /** NAME=FILE: an '=' after a name, unless the whole value is a file that exists. */
    private static boolean isNamed(String v) {
        int eq = v.indexOf('=');
        return eq > 0 && !Files.exists(Path.of(v));
    }
}
