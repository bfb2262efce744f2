package io.gradcam4j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A bundled demo model read as the command line's {@code --model demo} / {@code --model
 * demo-shortcut} reads it (cli/ModelLoader): its JSON record from the jar's resources, then the
 * model file the record names, copied out of the jar and loaded with {@link KerasH5File}.
 */
record DemoBundle(JsonNode info, KerasModel model, long fileBytes) {
    static final String FOLDER = "/io/gradcam4j/demo/";

    static DemoBundle load(String json, Path tmp) throws IOException {
        JsonNode info;
        try (InputStream in = DemoBundle.class.getResourceAsStream(FOLDER + json)) {
            assertNotNull(in, json + " is bundled");
            info = new ObjectMapper().readTree(in);
        }
        String name = info.path("model").asText();
        Path file = tmp.resolve(name);
        try (InputStream in = DemoBundle.class.getResourceAsStream(FOLDER + name)) {
            assertNotNull(in, "the model file " + name + " is bundled");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return new DemoBundle(info, KerasH5File.loadModel(file), Files.size(file));
    }

    int inputSize() {
        return info.path("input_size").get(0).asInt();
    }

    String layer() {
        return info.path("gradcam_layer").asText();
    }
}
