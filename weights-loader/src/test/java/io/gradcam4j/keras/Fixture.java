package io.gradcam4j.keras;

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

/** One folder written by {@code tools/reference}: a {@code case.json} and its .npy arrays. */
final class Fixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final JsonNode spec;

    private Fixture(Path dir) {
        this.dir = dir;
        try {
            this.spec = JSON.readTree(dir.resolve("case.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every case folder below {@code root}, sorted by name. */
    static List<Fixture> all(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("case.json"))).sorted().map(Fixture::new).toList();
        }
    }

    String name() {
        return dir.getFileName().toString();
    }

    /** The array named by {@code node.file}. */
    Tensor array(JsonNode node) {
        try {
            return Npy.read(dir.resolve(node.get("file").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Tensor> arrays(String key) {
        List<Tensor> out = new ArrayList<>();
        for (JsonNode n : spec.withArray(key)) {
            out.add(array(n));
        }
        return out;
    }

    static ObjectMapper json() {
        return JSON;
    }
}
