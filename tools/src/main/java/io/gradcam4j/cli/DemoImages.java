package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The demo images bundled with the demo model, copied out of the jar so they can be read and shown. */
public final class DemoImages {
    private DemoImages() {
    }

    /** The demo images' file names ({@code circle.png}, ...), as the demo model's record lists them. */
    public static List<String> names() throws IOException {
        JsonNode info;
        try (InputStream in = DemoImages.class.getResourceAsStream(ModelLoader.DEMO_RESOURCE + "demo.json")) {
            if (in == null) {
                throw new IOException("the demo model is missing from this build");
            }
            info = new ObjectMapper().readTree(in);
        }
        List<String> names = new ArrayList<>();
        info.path("images").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The bytes of the demo image {@code name}, one of {@link #names()}; any other name is refused. */
    public static byte[] read(String name) throws IOException {
        if (!names().contains(name)) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("no demo image '" + name + "'; demo images: "
                    + String.join(", ", names()));
        }
        try (InputStream in = DemoImages.class.getResourceAsStream(ModelLoader.DEMO_RESOURCE + name)) {
            if (in == null) {
                throw new IOException("demo image " + name + " is missing from this build");
            }
            return in.readAllBytes();
        }
    }

    static List<Path> extract(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> out = new ArrayList<>();
        for (String name : names()) {
            Path target = folder.resolve(name);
            Files.write(target, read(name));
            out.add(target);
        }
        return out;
    }
}
