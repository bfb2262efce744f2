package io.gradcam4j.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --audits DIR}: an audit made by the command line, listed and opened through the API. */
class AuditRoutesTest {
    private static Path audits;
    private static LocalServer s;

    @BeforeAll
    static void start() throws Exception {
        audits = AuditFixture.make();
        s = new LocalServer(4, audits);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
        AuditFixture.delete(audits);
    }

    @Test
    void theAuditIsListedWithItsImagesAndMethod() throws Exception {
        JsonNode list = LocalServer.json(s.get("/api/audits"));
        assertEquals(1, list.size());
        assertEquals("shapes-audit", list.get(0).get("id").asText());
        assertEquals(10, list.get(0).get("images").asInt());
        assertEquals("gradcam", list.get(0).get("method").asText());
    }

    @Test
    void itsReportIsTheFileTheCommandWrote() throws Exception {
        JsonNode audit = LocalServer.json(s.get("/api/audits/shapes-audit"));
        JsonNode written = io.gradcam4j.cli.Reports.JSON.readTree(audits.resolve("shapes-audit/audit.json").toFile());
        assertEquals(written, audit);
        HttpResponse<String> page = s.get("/api/audits/shapes-audit/report");
        assertEquals(200, page.statusCode());
        assertEquals(Files.readString(audits.resolve("shapes-audit/report.html")), page.body());
        assertEquals("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
                page.headers().firstValue("Content-Security-Policy").orElse(""), "its styles shown, no script run");
    }

    @Test
    void eachImageIsServedByItsIndexOnly() throws Exception {
        JsonNode audit = LocalServer.json(s.get("/api/audits/shapes-audit"));
        for (int i = 0; i < audit.get("images").size(); i++) {
            HttpResponse<byte[]> r = s.http.send(HttpRequest.newBuilder(URI.create(s.url("/api/audits/shapes-audit/images/" + i)))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            Path file = AuditFixture.imagesOf(audits).resolve(audit.get("images").get(i).get("image").asText());
            assertArrayEquals(Files.readAllBytes(file), r.body(), file.toString());
        }
        assertEquals(404, s.get("/api/audits/shapes-audit/images/10").statusCode());
        assertEquals(404, s.get("/api/audits/shapes-audit/images/..%2F..%2Faudit.json").statusCode());
        assertEquals(404, s.get("/api/audits/..%2Fimages/images/0").statusCode());
    }

    /** An image the audit.json says lies outside the audited folder is not served. */
    @Test
    void aRecordPointingOutsideTheImagesFolderIsRefused() throws Exception {
        Path forged = audits.resolve("forged");
        Files.createDirectories(forged);
        JsonNode audit = io.gradcam4j.cli.Reports.JSON.readTree(audits.resolve("shapes-audit/audit.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) audit.get("images").get(0)).put("image", "../../../../etc/hostname");
        Files.writeString(forged.resolve("audit.json"), audit.toString());
        try (LocalServer other = new LocalServer(1, audits)) {
            HttpResponse<String> r = other.get("/api/audits/forged/images/0");
            assertEquals(404, r.statusCode(), r.body());
            assertTrue(!r.body().contains("/etc/"), "the path is not told either: " + r.body());
        }
    }
}
