package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --layers}: one row per layer of the inference plan, as fused, each with its time. */
class BenchLayersCommandTest {
    @Test
    void timesEachLayerOfTheFusedPlan() throws IOException {
        CliRun r = CliRun.run("bench", "--model", "mobilenet_0.25_128", "--repeat", "3", "--warmup", "0", "--layers",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode layers = r.json().get("layers");
        Set<String> names = new HashSet<>();
        for (JsonNode l : layers) {
            assertTrue(names.add(l.get("layer").asText()), "each layer once: " + l);
            assertTrue(l.get("median_ms").asDouble() >= 0, l.toString());
            // BatchNormalization and relu are folded into the convolution before them
            assertFalse(l.get("op").asText().startsWith("BatchNormalization"), l.toString());
        }
        // MobileNet: 27 convolutions, each with its BatchNormalization and relu folded, and the head's
        // conv_preds with its bias
        assertEquals(28, layers.findValuesAsText("op").stream().filter(op -> op.contains("folded(")).count());
        assertTrue(names.contains("conv_pw_13_relu"), names.toString());
    }

    @Test
    void kindIsTheOpsFirstWord() {
        assertEquals("DepthwiseConv2D", LayerProfile.kind("DepthwiseConv2D(3x3, 728x1, strides 1x1) -> folded(...)"));
        assertEquals("Add", LayerProfile.kind("Add"));
        assertEquals("folded", LayerProfile.kind("folded(Conv2D(1x1, 64->128) + ReLU)"));
    }
}
