package io.gradcam4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bundled demo model's JSON record ({@code tools/src/main/resources/io/gradcam4j/demo/demo.json}):
 * the model file beside it, its class names and its preprocessing — the record the command line's
 * {@code --model demo} reads, so the demo's classes are written in one place only.
 */
record DemoRecord(Path modelFile, List<String> classes, String preprocessing) {

    static DemoRecord read(Path record) throws IOException {
        JsonNode info = new ObjectMapper().readTree(ModelFiles.requireFile(record).toFile());
        String model = info.path("model").asText("");
        if (model.isEmpty() || !info.path("classes").isArray()) {
            throw new InvalidRequestException(record + " is not a model record: it needs \"model\" (the .h5 file "
                    + "beside it) and \"classes\"");
        }
        List<String> classes = new ArrayList<>();
        info.path("classes").forEach(c -> classes.add(c.asText()));
        Path parent = record.toAbsolutePath().getParent();
        return new DemoRecord(parent.resolve(model), classes, info.path("preprocessing").asText("none"));
    }
}
