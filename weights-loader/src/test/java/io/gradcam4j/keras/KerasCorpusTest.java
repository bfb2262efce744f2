package io.gradcam4j.keras;

import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.reference.Comparison;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real Keras files written by other people (../shared/corpus, see its README): skipped, with the
 * reason, when the corpus is not beside the project. The expected values come from the corpus
 * (Keras's own predictions file, and the classes its README reports), not from our code.
 */
class KerasCorpusTest {

    private static Path corpus(String... parts) {
        Path p = TestData.sharedCorpus().resolve(Path.of("", parts));
        assumeTrue(Files.exists(p), "shared corpus file " + p + " is absent; skipping");
        return p;
    }

    /** Keras 2.1.3 computed these predictions itself: an independent check of Conv/BN/Dense. */
    @Test
    void convBatchNormDenseMatchesKerasOwnPredictions() throws IOException {
        Graph graph = KerasH5File.load(corpus("models", "dl4j_cnn_batch_norm.h5"));
        Tensor input = Npy.read(corpus("fixtures", "dl4j_cnn_batch_norm", "input.npy"));
        Tensor expected = Npy.read(corpus("fixtures", "dl4j_cnn_batch_norm", "predictions.npy"));
        Comparison c = Comparison.of("predictions", expected, graph.predict(input));
        assertTrue(c.within(1e-4), c.toString());
    }

    @Test
    void lambdaLayerIsRefusedWithItsName() {
        Path file = corpus("models", "carnd_behavioral_cloning.h5");
        UnsupportedKerasFeatureException e = assertThrows(UnsupportedKerasFeatureException.class,
                () -> KerasH5File.load(file));
        assertTrue(e.getMessage().contains("Lambda") && e.getMessage().contains("lambda_1")
                && e.getMessage().contains("carnd_behavioral_cloning.h5"), e.getMessage());
        assertTrue(e.kind() == io.gradcam4j.engine.errors.Gradcam4jException.Kind.UNSUPPORTED, "kind " + e.kind());
    }

    /** The user supplies the Lambda's meaning in Java (here the usual x / 127.5 - 1); nothing Python runs. */
    @Test
    void aLambdaLayerRunsTheJavaOpTheUserRegistered() throws IOException {
        Path file = corpus("models", "carnd_behavioral_cloning.h5");
        KerasModel model = KerasH5File.loadModel(file, java.util.Map.of("lambda_1",
                new io.gradcam4j.engine.ops.Rescaling(new float[] {1f / 127.5f}, new float[] {-1f})));
        int[] in = model.inputShape();
        float[] out = model.graph().predict(Tensor.zeros(1, in[0], in[1], in[2])).data();
        assertEquals(1, out.length, "a steering angle");
        assertTrue(Float.isFinite(out[0]));
    }

    @Test
    void flatFunctionalAndSequentialFilesOfSeveralKerasVersionsLoad() throws IOException {
        // 2.15 Sequential with BN, 2.0.5 functional residual separable blocks, 3.8 legacy h5, 2.1.3 SeparableConv2D
        assertEquals("conv2d_input", KerasH5File.load(corpus("models", "cifar10_cnn.h5")).inputs().get(0).name());
        Graph fer = KerasH5File.load(corpus("models", "fer2013_mini_xception.h5"));
        assertTrue(fer.nodes().stream().anyMatch(n -> n.name().equals("add_1")), "fer2013 model has its Add nodes");
        assertTrue(KerasH5File.load(corpus("models", "keras3_lenet5_mnist.h5")).nodes().size() > 5);
        assertEquals(2, KerasH5File.load(corpus("models", "dl4j_sepconv2d.h5")).nodes().size());
    }

    /** Sequential -> Sequential -> Functional MobileNetV2 trunk, weights flat under the outer layer. */
    @Test
    void nestedTeachableMachineModelAnswersAsTheCorpusReadmeSays() throws IOException {
        Graph graph = KerasH5File.load(corpus("models", "tm_cat_dog.h5"));
        assertTrue(graph.nodes().stream().anyMatch(n -> n.name().equals("sequential_1/model1/Conv1")),
                "inner layers are addressable as outer/inner");
        // README: class 1 for cat.jpg (p ~ 0.99997), class 0 for dog.jpg (p ~ 1.0); labels look swapped.
        float[] cat = graph.predict(image(corpus("images", "demo", "cat.jpg"), 224, true)).data();
        float[] dog = graph.predict(image(corpus("images", "demo", "dog.jpg"), 224, true)).data();
        assertTrue(cat[1] > 0.999f, "cat.jpg -> " + cat[0] + ", " + cat[1]);
        assertTrue(dog[0] > 0.999f, "dog.jpg -> " + dog[0] + ", " + dog[1]);
    }

    /** Nested Resizing + Rescaling(1/255) preprocessing, raw 0-255 input. */
    @Test
    void potatoLeavesAreClassifiedByTheirFileNames() throws IOException {
        Graph graph = KerasH5File.load(corpus("models", "potato_disease.h5"));
        String[] classes = {"Early_blight", "Late_blight", "healthy"};
        for (int k = 0; k < classes.length; k++) {
            float[] p = graph.predict(image(corpus("images", "potato_disease", "Potato___" + classes[k] + ".jpg"),
                    256, false)).data();
            assertEquals(k, argmax(p), classes[k] + " -> " + java.util.Arrays.toString(p));
        }
    }

    @Test
    void nestedKerasApplicationsMobileNetInsideASequentialLoads() throws IOException {
        Graph graph = KerasH5File.load(corpus("models", "mlperf_tiny_vww96_nested_mobilenet025.h5"));
        assertTrue(graph.nodes().stream().anyMatch(n -> n.name().equals("mobilenet_0.25_96/conv_pw_13_relu")));
        float[] p = graph.predict(Tensor.zeros(1, 96, 96, 1)).data();
        assertEquals(2, p.length);
        assertEquals(1.0, p[0] + p[1], 1e-5, "softmax output sums to 1");
    }

    @Test
    void keras1ConvolutionWithKeras1ArgumentNamesLoads() throws IOException {
        Graph graph = KerasH5File.load(corpus("models", "dl4j_keras1_conv2d_tf.h5"));
        int[] shape = graph.predict(Tensor.zeros(1, 5, 5, 5)).shape();
        assertEquals(4, shape.length);
    }

    /** Center square crop (optional), bilinear resize, then x/127.5-1 (tf mode) or raw 0..255. */
    static Tensor image(Path file, int size, boolean cropAndTfMode) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        int w = img.getWidth();
        int h = img.getHeight();
        int s = Math.min(w, h);
        BufferedImage src = cropAndTfMode ? img.getSubimage((w - s) / 2, (h - s) / 2, s, s) : img;
        BufferedImage r = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = r.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, size, size, null);
        g.dispose();
        float[] d = new float[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = r.getRGB(x, y);
                int[] rgb = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
                for (int c = 0; c < 3; c++) {
                    d[(y * size + x) * 3 + c] = cropAndTfMode ? rgb[c] / 127.5f - 1f : rgb[c];
                }
            }
        }
        return Tensor.of(d, 1, size, size, 3);
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
