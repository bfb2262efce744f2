package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cli.Reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code gradcam audit} output folders the server shows ({@code --audits DIR}: an audit's
 * folder, or a folder of them, one level down), each found by its {@code audit.json}. The page
 * names an audit by its id (the folder's name) and an image by its index in the audit's list; the
 * image file is read from the audited images folder the audit records, and only if it lies inside
 * it.
 */
final class AuditFolders {
    private final Map<String, Path> folders = new LinkedHashMap<>();

    private AuditFolders() {
    }

    static AuditFolders scan(Path dir) throws IOException {
        AuditFolders a = new AuditFolders();
        if (dir == null) {
            return a;
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("--audits " + dir + " is not a folder");
        }
        if (Files.isRegularFile(dir.resolve("audit.json"))) {
            a.folders.put(dir.toAbsolutePath().normalize().getFileName().toString(), dir);
        }
        try (Stream<Path> sub = Files.list(dir)) {
            for (Path p : sub.sorted().toList()) {
                if (Files.isRegularFile(p.resolve("audit.json"))) {
                    a.folders.putIfAbsent(p.getFileName().toString(), p);
                }
            }
        }
        return a;
    }

    /** {@code [{"id", "images", "model", "method"}]}: GET /api/audits. */
    ArrayNode json() throws IOException {
        ArrayNode list = Reports.JSON.createArrayNode();
        for (String id : folders.keySet()) {
            JsonNode audit = read(id);
            ObjectNode n = list.addObject();
            n.put("id", id);
            n.put("images", audit.path("images").size());
            n.put("model", audit.path("provenance").path("model").asText(""));
            n.put("method", audit.path("provenance").path("method").asText(""));
        }
        return list;
    }

    /** The audit's {@code audit.json} as written. */
    JsonNode read(String id) throws IOException {
        return Reports.JSON.readTree(folder(id).resolve("audit.json").toFile());
    }

    /** The self-contained report.html of the audit, as written. */
    Path reportPage(String id) {
        Path page = folder(id).resolve("report.html");
        if (!Files.isRegularFile(page)) {
            throw new ApiException(404, "invalid-request", "audit " + id + " has no report.html");
        }
        return page;
    }

    /** The file of image {@code index} of the audit's list, checked to lie in the audited folder. */
    Path image(String id, int index) throws IOException {
        JsonNode audit = read(id);
        JsonNode images = audit.path("images");
        if (index < 0 || index >= images.size()) {
            throw new ApiException(404, "invalid-request", "audit " + id + " has " + images.size() + " images, no image "
                    + index);
        }
        Path root = Path.of(settings(audit).path("images").asText(".")).toAbsolutePath().normalize();
        String name = images.get(index).path("image").asText();
        Path file = root.resolve(name).normalize();
        if (!file.startsWith(root)) {   // a record edited to point elsewhere: neither served nor named
            throw new ApiException(404, "invalid-request", "image " + index + " of audit " + id
                    + " lies outside the audited folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new ApiException(404, "io", "image " + index + " of audit " + id + " (" + name
                    + ") is no longer in the audited folder");
        }
        return file;
    }

    private static JsonNode settings(JsonNode audit) {
        return audit.path("provenance");   // the audit's settings, with versions and date
    }

    private Path folder(String id) {
        Path p = folders.get(id);
        if (p == null) {
            throw new ApiException(404, "invalid-request", "unknown audit '" + id + "'; audits: "
                    + String.join(", ", folders.keySet()));
        }
        return p;
    }
}
