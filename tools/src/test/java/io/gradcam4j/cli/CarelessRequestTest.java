package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests a careless user makes: each refused before any work with one JSON object under
 * {@code --json} that says what is wrong and what is valid, or (a batch) answered in full.
 */
class CarelessRequestTest {
    @TempDir
    Path tmp;

    private JsonNode refused(String... args) throws IOException {
        CliRun r = CliRun.run(args);
        assertTrue(r.code() != 0, String.join(" ", args) + " was accepted");
        JsonNode j = r.json();
        assertTrue(j.has("error"), r.out());
        return j;
    }

    @Test
    void classSpecificationsThatNameNothingAreRefused() throws IOException {
        Path out = tmp.resolve("out");
        assertTrue(refused("explain", "--json", "--out", out.toString(), "--class", "top:abc").get("error").asText()
                .contains("top:K needs a whole number K >= 1"));
        assertTrue(refused("explain", "--json", "--out", out.toString(), "--class", "top:-1").get("error").asText()
                .contains("top:-1"));
        assertTrue(refused("explain", "--json", "--out", out.toString(), "--class", ",,,").get("error").asText()
                .contains("names no class"));
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void optionErrorsAreJsonUnderJson() throws IOException {
        JsonNode unknown = refused("explain", "--json", "--bogus");
        assertEquals("usage", unknown.get("kind").asText());
        assertTrue(unknown.get("error").asText().contains("--bogus"));
        assertTrue(refused("explain", "--json", "--alpha", "abc").get("error").asText().contains("--alpha"));
    }

    @Test
    void theAlphaIsCheckedBeforeTheModelRuns() throws IOException {
        Path out = tmp.resolve("alpha");
        assertTrue(refused("explain", "--json", "--out", out.toString(), "--alpha", "5").get("error").asText()
                .contains("[0, 1]"));
        assertTrue(refused("explain", "--json", "--out", out.toString(), "--alpha", "NaN").get("error").asText()
                .contains("--alpha"));
        assertFalse(Files.exists(out), "no map was written before the refusal");
    }

    @Test
    void labelsThatDoNotMatchTheClassesAreRefused() throws IOException {
        Path labels = tmp.resolve("labels.txt");
        Files.writeString(labels, "a\nb\nc\n");
        assertTrue(refused("predict", "--json", "--labels", labels.toString()).get("error").asText()
                .contains("3 names but the model has 5 classes"));
    }

    @Test
    void predictAnswersEveryItemOfABatch() throws IOException {
        float[] data = new float[2 * 32 * 32 * 3];
        java.util.Arrays.fill(data, 128f);
        Path batch = tmp.resolve("b.npy");
        Npy.write(Tensor.of(data, 2, 32, 32, 3), batch);
        CliRun r = CliRun.run("predict", "--json", "--input", batch.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode results = r.json().get("results");
        assertEquals(2, results.size());
        for (JsonNode one : results) {
            assertEquals(5, one.get("probabilities").size(), "one image's classes, not the batch's");
            double sum = 0;
            for (JsonNode p : one.get("probabilities")) {
                sum += p.asDouble();
            }
            assertEquals(1, sum, 1e-5);
        }
        assertTrue(results.get(1).get("image").asText().endsWith("b.npy[1]"));
    }

    @Test
    void benchOptionsOutOfRangeSayTheRange() throws IOException {
        assertTrue(refused("bench", "--json", "--threads", "40000").get("error").asText().contains("between 1 and 1024"));
        assertTrue(refused("bench", "--json", "--repeat", "-1").get("error").asText().contains("--repeat"));
        assertTrue(refused("bench", "--json", "--batch", "0").get("error").asText().contains("--batch must be between 1 and"));
    }

    @Test
    void theInputLayerIsNotALayerToExplain() throws IOException {
        assertTrue(refused("explain", "--json", "--layer", "input_1", "--out", tmp.toString()).get("error").asText()
                .contains("the model's input"));
    }
}
