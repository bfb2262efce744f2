package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Folders of images as people keep them (one subfolder per class, the same file names in each):
 * expanded recursively, never replaced by the demo images, and explained into the same folders
 * under {@code --out} so that {@code square/000.png} and {@code triangle/000.png} keep a report each.
 */
class ImageFolderTest {
    @TempDir
    Path tmp;

    /** {@code data/square/000.png} (the demo square) and {@code data/triangle/000.png} (the demo triangle). */
    private Path classFolders() throws IOException {
        Path data = tmp.resolve("data");
        for (String shape : List.of("square", "triangle")) {
            Files.createDirectories(data.resolve(shape));
            try (InputStream in = getClass().getResourceAsStream(ModelLoader.DEMO_RESOURCE + shape + ".png")) {
                Files.copy(in, data.resolve(shape).resolve("000.png"));
            }
        }
        return data;
    }

    @Test
    void aFolderOfClassFoldersIsSearchedNotReplacedByTheDemo() throws IOException {
        Path data = classFolders();
        CliRun r = CliRun.run("predict", "--json", data.toString());
        assertEquals(0, r.code(), r.err());
        List<String> images = new ArrayList<>();
        r.json().get("results").forEach(x -> images.add(x.get("image").asText()));
        assertEquals(List.of(data.resolve("square/000.png").toString(), data.resolve("triangle/000.png").toString()),
                images, "both images, and no demo image");
    }

    @Test
    void sameFileNamesInTwoFoldersKeepOneReportEach() throws IOException {
        Path data = classFolders();
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run("explain", "--json", "--out", out.toString(), data.toString());
        assertEquals(0, r.code(), r.err());
        for (String shape : List.of("square", "triangle")) {
            Path report = out.resolve(shape).resolve("000.json");
            assertTrue(Files.exists(report), report + " missing; out holds " + list(out));
            JsonNode j = CliRun.MAPPER.readTree(report.toFile());
            assertTrue(j.get("image").asText().endsWith(shape + "/000.png"), j.get("image").asText());
            String overlay = j.get("targets").get(0).get("files").get("overlay").asText();
            assertTrue(Files.exists(out.resolve(shape).resolve(Path.of(overlay).getFileName())), overlay);
        }
        assertTrue(Files.notExists(out.resolve("000.json")));
    }

    @Test
    void aFolderWithNoImageIsAnErrorNamingIt() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty/sub"));
        Files.writeString(empty.resolve("notes.txt"), "not an image");
        CliRun r = CliRun.run("predict", "--json", tmp.resolve("empty").toString());
        assertEquals(2, r.code(), r.out());
        String message = r.json().get("error").asText();
        assertTrue(message.contains(tmp.resolve("empty").toString()) && message.contains("no JPEG or PNG"), message);
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.map(Path::toString).toList();
        }
    }
}
