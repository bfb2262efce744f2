package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code bench --batch N}: the passes run on N images at once, and throughput is N per median time. */
class BenchBatchCommandTest {
    @Test
    void aBatchOfFourIsTimedAsOnePassOfFourImages() throws IOException {
        CliRun r = CliRun.run("bench", "--model", "mobilenet_0.25_128", "--batch", "4", "--repeat", "3", "--warmup", "0",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(4, j.get("batch").asInt());
        assertEquals("[4,128,128,3]", j.get("input_shape").toString());
        assertEquals(4000 / j.get("forward_ms").get("median").asDouble(), j.get("forward_images_per_second").asDouble(), 1e-9);
        assertEquals(4000 / j.get("gradcam_ms").get("median").asDouble(), j.get("gradcam_images_per_second").asDouble(), 1e-9);
        // GFLOP/s of the batch: four images' multiply-adds per median time
        assertEquals(4 * 2 * j.get("multiply_adds").asDouble() / j.get("forward_ms").get("median").asDouble() / 1e6,
                j.get("forward_gflops").asDouble(), 1e-9);
    }
}
