package io.gradcam4j.keras.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One reference case written by {@code tools/reference} (TensorFlow.js with Keras semantics):
 * a folder with {@code case.json} and the .npy arrays it names. See tools/reference/README.md
 * for the format.
 */
public final class ReferenceCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final JsonNode spec;

    private ReferenceCase(Path dir) {
        this.dir = dir;
        try {
            this.spec = JSON.readTree(dir.resolve("case.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every case folder directly below {@code root}, sorted by name. */
    public static List<ReferenceCase> all(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).sorted().map(ReferenceCase::new)
                    .toList();
        }
    }

    public String name() {
        return dir.getFileName().toString();
    }

    public Path dir() {
        return dir;
    }

    public JsonNode spec() {
        return spec;
    }

    /** The array named by the {@code file} field of {@code node}. */
    public Tensor array(JsonNode node) {
        try {
            return Npy.read(dir.resolve(node.get("file").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The array of field {@code key}, e.g. {@code output}. */
    public Tensor array(String key) {
        return array(spec.get(key));
    }

    /** The arrays of the list field {@code key}, e.g. {@code inputs}. */
    public List<Tensor> arrays(String key) {
        List<Tensor> out = new ArrayList<>();
        for (JsonNode n : spec.withArray(key)) {
            out.add(array(n));
        }
        return out;
    }

    public JsonNode readJson(String file) {
        try {
            return JSON.readTree(dir.resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
