package io.gradcam4j.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the committed fixtures ({@code testdata/}) and the shared corpus ({@code ../shared/}) are. */
public final class TestData {
    private TestData() {
    }

    /** The project root: the {@code gradcam4j.root} property set by the build, else found upwards. */
    public static Path projectRoot() {
        String prop = System.getProperty("gradcam4j.root");
        if (prop != null && Files.isDirectory(Paths.get(prop, "testdata"))) {
            return Paths.get(prop);
        }
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "cannot find the project's testdata/ folder above " + Paths.get("").toAbsolutePath());
        return p;
    }

    public static Path testdata(String... parts) {
        return projectRoot().resolve(Paths.get("testdata", parts));
    }

    /** {@code ../shared/corpus} beside the project root (may be absent). */
    public static Path sharedCorpus() {
        return projectRoot().resolveSibling("shared").resolve("corpus");
    }
}
