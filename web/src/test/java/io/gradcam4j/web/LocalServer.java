package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.cli.DemoImages;
import io.gradcam4j.cli.Reports;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link WebServer} on a free loopback port for one test class, with the demo models only (an
 * empty weights cache, so that no application cached on this machine is listed), and an HTTP
 * client that talks to it as a page or a script would.
 */
final class LocalServer implements AutoCloseable {
    final WebServer server;
    final HttpClient http = HttpClient.newHttpClient();
    private final Path emptyCache;

    LocalServer(int queueCapacity) throws Exception {
        this(queueCapacity, null);
    }

    LocalServer(int queueCapacity, Path audits) throws Exception {
        emptyCache = Files.createTempDirectory("gradcam-web-cache");
        server = new WebServer(ModelCatalog.scan(null, emptyCache), AuditFolders.scan(audits), "127.0.0.1", 0,
                queueCapacity, WebServer.DEFAULT_MAX_UPLOAD_BYTES);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST /api/explain with these fields and, unless null, {@code image} as the file part. */
    HttpResponse<String> explain(byte[] image, String fileName, Map<String, String> fields)
            throws IOException, InterruptedException {
        return send(explainRequest(image, fileName, fields));
    }

    HttpRequest.Builder explainRequest(byte[] image, String fileName, Map<String, String> fields) {
        Multipart form = new Multipart();
        fields.forEach(form::field);
        if (image != null) {
            form.file("image", fileName, image);
        }
        return HttpRequest.newBuilder(URI.create(url("/api/explain")))
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
    }

    static Map<String, String> fields(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return Reports.JSON.readTree(r.body());
    }

    static byte[] demoImage(String name) throws IOException {
        return DemoImages.read(name);
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (var files = Files.walk(emptyCache)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A multipart/form-data body, written out by hand so the tests control every byte sent. */
    static final class Multipart {
        private final String boundary = "----gradcam" + UUID.randomUUID();
        private final List<byte[]> parts = new ArrayList<>();

        void field(String name, String value) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        void file(String name, String fileName, byte[] content) {
            parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                    + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            parts.add(content);
            parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] bytes() {
            parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            int n = parts.stream().mapToInt(p -> p.length).sum();
            byte[] all = new byte[n];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            return all;
        }
    }
}
