package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.keras.reference.ReferenceCase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The weights each {@link KerasClass} row declares agree with what its op holds, and with what
 * Keras gives such a layer: the names, in order, of every layer fixture of {@code testdata/layers}
 * (written by TF.js from the same config), and Keras's kinds (only the moving statistics of
 * BatchNormalization and the adapted state of Normalization are not trainable). Nested models
 * are split by these declarations, so a row that drifts from its builder would misplace weights.
 */
class KerasClassesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keras's non-trainable weights of the supported classes (BatchNormalization, Normalization). */
    private static final Set<String> KERAS_STATISTICS = Set.of("moving_mean", "moving_variance", "mean", "variance",
            "count");
    /** Folds its weights into constants: its op holds no Param. */
    private static final Set<String> FOLDS_ITS_WEIGHTS = Set.of("Normalization");

    private final KerasLayers layers = new KerasLayers(KerasOrigin.KERAS_2);

    /** One layer to build: its class, config and weights. */
    private record Sample(String name, String className, JsonNode config, List<Tensor> weights) {
    }

    @Test
    void everyFixtureLayerDeclaresTheWeightsTfjsGaveIt() throws IOException {
        int withWeights = 0;
        for (ReferenceCase c : ReferenceCase.all(TestData.testdata("layers"))) {
            List<String> tfjs = new ArrayList<>();
            c.spec().withArray("weights").forEach(w -> tfjs.add(w.get("name").asText()));
            List<String> declared = layers.weights(c.spec().get("class_name").asText(), c.spec().get("config"))
                    .stream().map(WeightSlot::name).toList();
            assertEquals(tfjs, declared, c.name());
            withWeights += tfjs.isEmpty() ? 0 : 1;
        }
        assertTrue(withWeights >= 30, withWeights + " fixtures with weights");
    }

    @Test
    void everyOpHoldsTheWeightsItsRowDeclaresOfKerasKinds() throws IOException {
        for (Sample s : samples()) {
            List<WeightSlot> declared = layers.weights(s.className(), s.config());
            for (WeightSlot slot : declared) {
                assertEquals(!KERAS_STATISTICS.contains(slot.name()), slot.trainable(), s.name() + ": " + slot);
            }
            Op op = layers.create(s.className(), s.config(), s.weights());
            List<WeightSlot> held = op.params().stream().map(p -> new WeightSlot(p.name(), p.trainable())).toList();
            assertEquals(FOLDS_ITS_WEIGHTS.contains(s.className()) ? List.of() : declared, held, s.name());
        }
    }

    @Test
    void everySupportedClassHasASample() throws IOException {
        Set<String> sampled = new TreeSet<>();
        samples().forEach(s -> sampled.add(s.className()));
        Set<String> missing = new TreeSet<>(layers.supportedClasses());
        missing.removeAll(sampled);
        assertEquals(Set.of(), missing);
    }

    @Test
    void keras1NamesAndConfigsReachTheirRow() {
        KerasLayers keras1 = new KerasLayers(new KerasOrigin("1.2.2", "tensorflow"));
        assertEquals(List.of(WeightSlot.learned("kernel")), keras1.weights("Convolution2D",
                json("{'name':'c','nb_filter':2,'nb_row':3,'nb_col':3,'bias':false}")));
        assertEquals(List.of(WeightSlot.learned("depthwise_kernel"), WeightSlot.learned("pointwise_kernel"),
                WeightSlot.learned("bias")), keras1.weights("SeparableConvolution2D", json("{'name':'s'}")));
        Op pad = keras1.create("ZeroPadding2D", json("{'name':'z','padding':[1,0,2,0]}"), List.of());
        assertArrayEquals(new int[] {1, 4, 5, 1}, pad.outputShape(new int[][] {{1, 3, 3, 1}}),
                "Keras 1.2's (top, bottom, left, right) padding");
        assertEquals(List.of(), layers.weights("Convolution2D", json("{'name':'c'}")), "a Keras 1 name in a Keras 2 file");
    }

    /** A builder that asks for a weight its row does not declare, or stops early, is stopped. */
    @Test
    void aBuilderThatDriftsFromItsRowIsRefused() {
        LayerConfig c = new LayerConfig("Conv2D", json("{'name':'c'}"));
        Tensor t = Tensor.zeros(1);
        LayerWeights asksAnother = new LayerWeights(c, List.of(WeightSlot.learned("kernel")), List.of(t));
        assertThrows(IllegalStateException.class, () -> asksAnother.take("bias", 1));
        LayerWeights stopsEarly = new LayerWeights(c, List.of(WeightSlot.learned("kernel"), WeightSlot.learned("bias")),
                List.of(t, t));
        Param kernel = stopsEarly.take("kernel", 1);
        assertTrue(kernel.trainable());
        assertThrows(IllegalStateException.class, stopsEarly::requireAllUsed);
    }

    /** Every layer fixture, and one layer of each class or variant that has none. */
    private static List<Sample> samples() throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (ReferenceCase c : ReferenceCase.all(TestData.testdata("layers"))) {
            samples.add(new Sample(c.name(), c.spec().get("class_name").asText(), c.spec().get("config"),
                    c.arrays("weights")));
        }
        samples.add(sample("Normalization", "{'name':'n','mean':[0.5,1.0],'variance':[4.0,1.0]}"));
        samples.add(sample("Resizing", "{'name':'r','height':4,'width':4}"));
        samples.add(sample("CenterCrop", "{'name':'cc','height':2,'width':2}"));
        samples.add(sample("Permute", "{'name':'p','dims':[2,1,3]}"));
        samples.add(sample("ThresholdedReLU", "{'name':'t','theta':1.0}"));
        samples.add(sample("Merge", "{'name':'m','mode':'concat','concat_axis':-1}"));
        for (String cls : List.of("RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast", "RandomTranslation",
                "RandomHeight", "RandomWidth", "RandomBrightness", "GaussianNoise", "GaussianDropout", "AlphaDropout",
                "ActivityRegularization")) {
            samples.add(sample(cls, "{'name':'a'}"));
        }
        return samples;
    }

    private static Sample sample(String className, String config) {
        return new Sample(className + " " + config, className, json(config), List.of());
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
