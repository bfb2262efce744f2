package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The demo images bundled with the demo model, copied out of the jar so they can be read and shown. */
final class DemoImages {
    private DemoImages() {
    }

    static List<Path> extract(Path folder) throws IOException {
        JsonNode info;
        try (InputStream in = DemoImages.class.getResourceAsStream(ModelLoader.DEMO_RESOURCE + "demo.json")) {
            if (in == null) {
                throw new IOException("the demo model is missing from this build");
            }
            info = new ObjectMapper().readTree(in);
        }
        Files.createDirectories(folder);
        List<Path> out = new ArrayList<>();
        for (JsonNode name : info.path("images")) {
            Path target = folder.resolve(name.asText());
            try (InputStream in = DemoImages.class.getResourceAsStream(ModelLoader.DEMO_RESOURCE + name.asText())) {
                if (in == null) {
                    throw new IOException("demo image " + name.asText() + " is missing from this build");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            out.add(target);
        }
        return out;
    }
}
