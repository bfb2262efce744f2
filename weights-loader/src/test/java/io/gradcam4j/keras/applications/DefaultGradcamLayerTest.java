package io.gradcam4j.keras.applications;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The Grad-CAM layer each architecture gets by default, at its default input size: the last
 * spatial layer before global pooling, the layer the Keras Grad-CAM examples and the issue name
 * for it. {@code gradcam layers} prints the same summary, with that layer marked.
 */
class DefaultGradcamLayerTest {
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("resnet50", "conv5_block3_out");
        EXPECTED.put("resnet50v2", "post_relu");
        EXPECTED.put("mobilenetv2", "out_relu");
        EXPECTED.put("efficientnetb0", "top_activation");
        EXPECTED.put("efficientnetv2b0", "top_activation");
        EXPECTED.put("densenet121", "relu");
        EXPECTED.put("inceptionv3", "mixed10");
        // Keras leaves MobileNetV3's activations unnamed: the last one, after conv_1_bn
        EXPECTED.put("mobilenetv3small", "activation_17");
        EXPECTED.put("mobilenetv3large", "activation_19");
        // NASNet's last ReLU, unnamed in Keras too
        EXPECTED.put("nasnetmobile", "activation_187");
    }

    @TestFactory
    List<DynamicTest> eachArchitectureSuggestsItsLastSpatialLayer() {
        return EXPECTED.entrySet().stream().map(e -> dynamicTest(e.getKey(), () -> {
            var model = Applications.seeded(Applications.byName(e.getKey()));
            assertEquals(e.getValue(), model.suggestedGradcamLayer());
            String summary = model.summary();
            assertTrue(summary.contains(e.getValue() + " (") && summary.contains("<- Grad-CAM layer"), summary);
        })).toList();
    }
}
