package io.gradcam4j.keras.applications;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Architecture facts from the keras.applications papers and source, not from our own output. */
class ApplicationsTest {

    private static long parameterCount(Application app) {
        return app.spec().weights().values().stream().flatMap(List::stream)
                .mapToLong(w -> Tensor.sizeOf(w.shape())).sum();
    }

    /** Keras's model.summary() totals (trainable + non-trainable) for the ImageNet models. */
    @Test
    void parameterCountsEqualKerasSummaries() {
        assertEquals(138_357_544L, parameterCount(Applications.byName("vgg16")));
        assertEquals(143_667_240L, parameterCount(Applications.byName("vgg19")));
        assertEquals(22_910_480L, parameterCount(Applications.byName("xception")));
        assertEquals(4_253_864L, parameterCount(Applications.byName("mobilenet")));
        assertEquals(20_024_384L, parameterCount(Applications.byName("vgg19_no_top")));
        assertEquals(25_636_712L, parameterCount(Applications.byName("resnet50")));
        assertEquals(44_707_176L, parameterCount(Applications.byName("resnet101")));
        assertEquals(60_419_944L, parameterCount(Applications.byName("resnet152")));
        assertEquals(25_613_800L, parameterCount(Applications.byName("resnet50v2")));
        assertEquals(44_675_560L, parameterCount(Applications.byName("resnet101v2")));
        assertEquals(60_380_648L, parameterCount(Applications.byName("resnet152v2")));
        assertEquals(23_587_712L, parameterCount(Applications.byName("resnet50_no_top")));
        assertEquals(3_538_984L, parameterCount(Applications.byName("mobilenetv2")));
        assertEquals(8_062_504L, parameterCount(Applications.byName("densenet121")));
        assertEquals(23_851_784L, parameterCount(Applications.byName("inceptionv3")));
        assertEquals(2_554_968L, parameterCount(Applications.byName("mobilenetv3small")));
        assertEquals(5_507_432L, parameterCount(Applications.byName("mobilenetv3large")));
        assertEquals(5_326_716L, parameterCount(Applications.byName("nasnetmobile")));
        assertEquals(14_307_880L, parameterCount(Applications.byName("densenet169")));
        assertEquals(20_242_984L, parameterCount(Applications.byName("densenet201")));
        long[] efficientNet = {5_330_571L, 7_856_239L, 9_177_569L, 12_320_535L, 19_466_823L, 30_562_527L, 43_265_143L,
            66_658_687L};
        for (int b = 0; b <= 7; b++) {
            assertEquals(efficientNet[b], parameterCount(Applications.byName("efficientnetb" + b)), "B" + b);
        }
        // B3's is the one count here not seen in a printed Keras summary (recalled; ports that
        // apply EfficientNet V1's 10 % rounding rule get 14,486,374: efficientnet_v2.py has none)
        long[] efficientNetV2 = {7_200_312L, 8_212_124L, 10_178_374L, 14_467_622L};
        for (int b = 0; b <= 3; b++) {
            assertEquals(efficientNetV2[b], parameterCount(Applications.byName("efficientnetv2b" + b)), "V2 B" + b);
        }
    }

    /**
     * Keras's {@code len(model.weights)} for the ImageNet models (a printed survey of Keras 2.x
     * applications): every kernel, bias, BN statistic and Normalization state counted once.
     */
    @Test
    void weightCountsEqualKerasModelWeights() {
        Map<String, Integer> expected = Map.ofEntries(Map.entry("xception", 236), Map.entry("resnet50", 320),
                Map.entry("resnet50v2", 272), Map.entry("resnet101", 626), Map.entry("resnet101v2", 544),
                Map.entry("resnet152", 932), Map.entry("resnet152v2", 816), Map.entry("densenet121", 606),
                Map.entry("densenet169", 846), Map.entry("densenet201", 1006), Map.entry("inceptionv3", 378),
                Map.entry("mobilenet", 137), Map.entry("mobilenetv2", 262), Map.entry("mobilenetv3large", 266),
                Map.entry("mobilenetv3small", 210), Map.entry("efficientnetb0", 314), Map.entry("efficientnetb1", 442),
                Map.entry("efficientnetb7", 1040),
                Map.entry("nasnetmobile", 1126));
        expected.forEach((name, count) -> assertEquals(count, Applications.byName(name).spec().weights().values()
                .stream().mapToInt(List::size).sum(), name));
    }

    @Test
    void mobilenetRunsWithSeededWeightsAndGivesAProbabilityVector() {
        Application app = Applications.byName("mobilenet_0.25_128");
        KerasModel model = Applications.seeded(app);
        Graph graph = model.graph();
        Tensor out = graph.predict(Tensor.zeros(1, 128, 128, 3));
        assertArrayEquals(new int[] {1, 1000}, out.shape());
        double sum = 0;
        for (float p : out.data()) {
            assertTrue(p >= 0 && Float.isFinite(p));
            sum += p;
        }
        assertEquals(1.0, sum, 1e-4);
        assertEquals(Preprocessing.TF, app.preprocessing());
        // the last 4x4 map before the 1x1 classifier head, as the Keras Grad-CAM examples choose
        assertEquals("conv_pw_13_relu", model.suggestedGradcamLayer());
        assertArrayEquals(new int[] {1, 4, 4, 256}, model.outputShapes().get("conv_pw_13_relu"));
        String summary = model.summary();
        assertTrue(summary.contains("conv_pw_13_relu (ReLU)") && summary.contains("<- Grad-CAM layer"), summary);
        assertTrue(summary.contains("Total params: " + parameterCount(app)), summary);
    }

    @Test
    void seededWeightsFollowTheDocumentedRule() {
        // Values of the reference implementation (JavaScript mulberry32 + FNV-1a) for "conv1/kernel".
        SeededWeights.Mulberry32 rng = new SeededWeights.Mulberry32(SeededWeights.fnv1a("conv1/kernel"));
        assertEquals(2116619278L, Integer.toUnsignedLong(SeededWeights.fnv1a("conv1/kernel")));
        assertEquals(0.2252567142713815, rng.next(), 0);
        assertEquals(0.07873172964900732, rng.next(), 0);
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Applications.byName("resnet"));
        assertTrue(e.getMessage().contains("vgg19") && e.getMessage().contains("mobilenet_"), e.getMessage());
    }

    @Test
    void preprocessingModesMatchKerasPreprocessInput() {
        Tensor rgb = Tensor.of(new float[] {255f, 0f, 127.5f}, 1, 1, 1, 3);
        assertArrayEquals(new float[] {127.5f - 103.939f, 0f - 116.779f, 255f - 123.68f},
                Preprocessing.CAFFE.apply(rgb).data(), 1e-4f);
        assertArrayEquals(new float[] {1f, -1f, 0f}, Preprocessing.TF.apply(rgb).data(), 1e-6f);
        assertArrayEquals(new float[] {(1f - 0.485f) / 0.229f, (0f - 0.456f) / 0.224f, (0.5f - 0.406f) / 0.225f},
                Preprocessing.TORCH.apply(rgb).data(), 1e-5f);
    }
}
