package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --model demo-shortcut} from the command line: the bundled shortcut model loads by name
 * and, on a square drawn on another class's texture, answers as the texture says while the clean
 * demo model answers square; an unknown demo name lists both.
 */
class DemoShortcutCommandTest {
    private static final Path SQUARE_ON_DOTS = TestData.projectRoot().resolve("testdata/shapes/swapped/square/001.png");

    @Test
    void theShortcutModelAnswersTheBackgroundTheCleanOneTheShape() throws IOException {
        assumeTrue(Files.exists(SQUARE_ON_DOTS), SQUARE_ON_DOTS + " is absent; skipping");
        CliRun shortcut = CliRun.run("predict", "--json", "--model", "demo-shortcut", SQUARE_ON_DOTS.toString());
        assertEquals(0, shortcut.code(), shortcut.err());
        JsonNode s = first(shortcut.json());
        assertTrue(s.get("model").get("source").asText().contains("shapes_shortcut.h5"), s.get("model").toString());
        CliRun clean = CliRun.run("predict", "--json", SQUARE_ON_DOTS.toString());
        JsonNode c = first(clean.json());
        assertEquals("square", c.get("predictions").get(0).get("label").asText());
        assertNotEquals("square", s.get("predictions").get(0).get("label").asText());
    }

    /** One image's report: the report itself, or the first of several. */
    private static JsonNode first(JsonNode j) {
        return j.has("results") ? j.get("results").get(0) : j;
    }

    @Test
    void anUnknownNameListsTheDemoModels() throws IOException {
        CliRun r = CliRun.run("predict", "--json", "--model", "demo-shortcutt", SQUARE_ON_DOTS.toString());
        assertTrue(r.code() != 0);
        String why = r.json().toString();
        assertTrue(why.contains("demo-shortcut") && why.contains("resnet50"), why);
    }
}
