package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.keras.download.CacheLocations;
import io.gradcam4j.keras.download.OfficialWeights;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the model list holds: the demos, the model files of --models, the applications with cached weights. */
class ModelCatalogTest {

    @Test
    void listsModelFilesAndCachedApplicationsOnly() throws Exception {
        Path models = Files.createTempDirectory("gradcam-web-models");
        Path cache = Files.createTempDirectory("gradcam-web-cache");
        try (InputStream in = ModelCatalogTest.class.getResourceAsStream("/io/gradcam4j/demo/shapes_clean.h5")) {
            Files.copy(in, models.resolve("mine.h5"));
        }
        Files.writeString(models.resolve("notes.txt"), "not a model");
        Files.createDirectories(models.resolve("sub.keras"));   // a folder, whatever its name
        Path vgg16 = CacheLocations.standard(cache).target(OfficialWeights.parse("vgg16"));
        Files.createDirectories(vgg16.getParent());
        Files.writeString(vgg16, "a weights file is only checked when it is loaded");

        ModelCatalog catalog = ModelCatalog.scan(models, cache);
        List<String> ids = catalog.ids();
        assertEquals(List.of("demo", "demo-shortcut", "file:mine.h5"), ids.subList(0, 3));
        assertTrue(ids.contains("vgg16"), ids.toString());
        assertTrue(!ids.contains("vgg16_no_top") && !ids.contains("file:notes.txt") && !ids.contains("file:sub.keras"),
                ids.toString());
        assertEquals("application", catalog.entry("vgg16").kind());
        ApiException unknown = assertThrows(ApiException.class, () -> catalog.entry("file:../mine.h5"));
        assertEquals(404, unknown.status());
    }

    @Test
    void aModelFileOfTheFolderIsExplainedByItsId() throws Exception {
        Path models = Files.createTempDirectory("gradcam-web-models");
        try (InputStream in = ModelCatalogTest.class.getResourceAsStream("/io/gradcam4j/demo/shapes_clean.h5")) {
            Files.copy(in, models.resolve("mine.h5"));
        }
        Path cache = Files.createTempDirectory("gradcam-web-cache");
        WebServer server = new WebServer(ModelCatalog.scan(models, cache), AuditFolders.scan(null), "127.0.0.1", 0, 2,
                WebServer.DEFAULT_MAX_UPLOAD_BYTES);
        try {
            var http = java.net.http.HttpClient.newHttpClient();
            LocalServer.Multipart form = new LocalServer.Multipart();
            form.field("model", "file:mine.h5");
            form.file("image", "star.png", LocalServer.demoImage("star.png"));
            HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/explain"))
                    .header("Content-Type", form.contentType())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode report = LocalServer.json(r);
            assertTrue(report.get("model").get("source").asText().endsWith("mine.h5"));
            // the same network as the bundled demo, without its class names: classes by index
            assertEquals("3", report.get("predictions").get(0).get("label").asText());
        } finally {
            server.close();
        }
    }
}
