package io.gradcam4j.web;

import io.gradcam4j.engine.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real {@code gradcam audit} output folder, made by the command line (in its own JVM) over two
 * held-out pictures of each demo class (testdata/shapes/heldout, drawn by an independent generator).
 */
final class AuditFixture {
    private AuditFixture() {
    }

    /** Runs the audit; returns the folder that holds its output folder {@code shapes-audit}. */
    static Path make() throws Exception {
        Path root = Files.createTempDirectory("gradcam-web-audit");
        Path images = root.resolve("images");
        Path heldout = TestData.testdata("shapes", "heldout");
        for (String cls : List.of("circle", "square", "triangle", "star", "cross")) {
            Files.createDirectories(images.resolve(cls));
            for (String file : List.of("000.png", "001.png")) {
                Files.copy(heldout.resolve(cls).resolve(file), images.resolve(cls).resolve(file));
            }
        }
        Path audits = root.resolve("audits");
        Files.createDirectories(audits);
        ApiRoutesTest.runCli(root, "audit", "--json", "--images", images.toString(),
                "--out", audits.resolve("shapes-audit").toString());
        return audits;
    }

    static Path imagesOf(Path audits) {
        return audits.getParent().resolve("images");
    }

    static void delete(Path audits) throws IOException {
        try (var files = Files.walk(audits.getParent())) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
