package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.ops.Transpose;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras semantics decided at load time, checked by equivalences that follow from Keras's
 * definitions (not from our outputs): data formats, Keras 1 layouts, Theano flips, nested weight
 * order, preprocessing layers, refusals.
 */
class KerasLayersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Random random = new Random(11);

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Tensor rand(int... shape) {
        return GradientCheck.random(random, -1f, 1f, shape);
    }

    private static Tensor nchw(Tensor nhwc) {
        return Transpose.nhwcToNchw().apply(nhwc);
    }

    @Test
    void channelsFirstConvOnNchwEqualsChannelsLastConvOnNhwc() {
        Tensor kernel = rand(3, 3, 2, 4);
        Tensor bias = rand(4);
        Tensor x = rand(1, 7, 6, 2);
        String cfg = "{'name':'c','filters':4,'kernel_size':[3,3],'strides':[2,2],'padding':'same',"
                + "'data_format':'%s','activation':'relu'}";
        Op last = new KerasLayers(KerasOrigin.KERAS_2).create("Conv2D", json(String.format(cfg, "channels_last")),
                List.of(kernel, bias));
        Op first = new KerasLayers(KerasOrigin.KERAS_2).create("Conv2D", json(String.format(cfg, "channels_first")),
                List.of(kernel, bias));
        assertArrayEquals(nchw(last.apply(x)).data(), first.apply(nchw(x)).data(), 1e-6f);
    }

    @Test
    void channelsFirstGlobalPoolingWithKeepdimsStaysChannelsFirst() {
        // Keras: GlobalAveragePooling2D(data_format='channels_first', keepdims=True) on (N, C, H, W)
        // gives (N, C, 1, 1), each channel's mean; without keepdims (N, C).
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);   // NCHW
        String cfg = "{'name':'g','data_format':'channels_first','keepdims':%s}";
        Op kept = new KerasLayers(KerasOrigin.KERAS_2).create("GlobalAveragePooling2D",
                json(String.format(cfg, "true")), List.of());
        Op flat = new KerasLayers(KerasOrigin.KERAS_2).create("GlobalAveragePooling2D",
                json(String.format(cfg, "false")), List.of());
        Tensor y = kept.apply(x);
        assertArrayEquals(new int[] {1, 2, 1, 1}, y.shape());
        assertArrayEquals(new float[] {2.5f, 25f}, y.data(), 1e-6f);
        assertArrayEquals(new int[] {1, 2}, flat.apply(x).shape());
    }

    @Test
    void keras1ThConvolutionKernelIsTransposedFromOutInRowsCols() {
        Tensor kernel = rand(3, 3, 2, 4);                                // Keras 2 layout
        Tensor thKernel = new Transpose(3, 2, 0, 1).apply(kernel);      // Keras 1 'th': (out, in, rows, cols)
        Tensor x = rand(1, 6, 5, 2);
        Op keras2 = new KerasLayers(KerasOrigin.KERAS_2).create("Conv2D", json("{'name':'c','filters':4,"
                + "'kernel_size':[3,3],'padding':'valid','use_bias':false}"), List.of(kernel));
        Op keras1 = new KerasLayers(new KerasOrigin("1.2.2", "tensorflow")).create("Convolution2D", json(
                "{'name':'c','nb_filter':4,'nb_row':3,'nb_col':3,'border_mode':'valid','subsample':[1,1],"
                        + "'dim_ordering':'th','bias':false}"), List.of(thKernel));
        assertArrayEquals(nchw(keras2.apply(x)).data(), keras1.apply(nchw(x)).data(), 1e-6f);
    }

    @Test
    void theanoKernelsAreFlippedSpatially() {
        Tensor kernel = rand(3, 2, 1, 1);
        float[] k = kernel.data();                  // (3, 2) taps, one channel
        Tensor flipped = Tensor.of(new float[] {k[5], k[4], k[3], k[2], k[1], k[0]}, 3, 2, 1, 1);
        Tensor x = rand(1, 5, 4, 1);
        String cfg = "{'name':'c','filters':1,'kernel_size':[3,2],'padding':'valid','use_bias':false}";
        Op tf = new KerasLayers(KerasOrigin.KERAS_2).create("Conv2D", json(cfg), List.of(kernel));
        Op theano = new KerasLayers(new KerasOrigin("2.1.3", "theano")).create("Conv2D", json(cfg), List.of(flipped));
        assertArrayEquals(tf.apply(x).data(), theano.apply(x).data(), 1e-6f);
    }

    @Test
    void lambdaIsRefusedUnlessAJavaImplementationIsRegistered() {
        JsonNode cfg = json("{'name':'normalize'}");
        UnsupportedKerasFeatureException e = assertThrows(UnsupportedKerasFeatureException.class,
                () -> new KerasLayers(KerasOrigin.KERAS_2).create("Lambda", cfg, List.of()));
        assertTrue(e.getMessage().contains("never executes") && e.getMessage().contains("normalize"), e.getMessage());
        assertEquals(io.gradcam4j.engine.errors.Gradcam4jException.Kind.UNSUPPORTED, e.kind());
        Op identity = new io.gradcam4j.engine.ops.Identity("normalize");
        assertEquals(identity, new KerasLayers(KerasOrigin.KERAS_2).withLambda("normalize", identity)
                .create("Lambda", cfg, List.of()));
    }

    @Test
    void unknownClassNamesTheLayerAndListsTheSupportedOnes() {
        UnsupportedKerasFeatureException e = assertThrows(UnsupportedKerasFeatureException.class,
                () -> new KerasLayers(KerasOrigin.KERAS_2).create("LSTM", json("{'name':'rnn'}"), List.of()));
        assertTrue(e.getMessage().contains("'rnn' (LSTM)") && e.getMessage().contains("Conv2D"), e.getMessage());
        assertEquals(io.gradcam4j.engine.errors.Gradcam4jException.Kind.UNSUPPORTED, e.kind());
        KerasFormatException bad = assertThrows(KerasFormatException.class, () -> new KerasLayers(KerasOrigin.KERAS_2)
                .create("MaxPooling2D", json("{'name':'pool','pool_size':0}"), List.of()));
        assertEquals(io.gradcam4j.engine.errors.Gradcam4jException.Kind.DAMAGED_INPUT, bad.kind(), "a config Keras would reject");
    }

    @Test
    void resizingUsesTensorFlowHalfPixelBilinear() {
        Op resize = new KerasLayers(KerasOrigin.KERAS_2).create("Resizing", json("{'name':'r','height':4,'width':4,"
                + "'interpolation':'bilinear'}"), List.of());
        Tensor y = resize.apply(Tensor.of(new float[] {0, 1, 2, 3}, 1, 2, 2, 1));
        // source x = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped at the borders
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, java.util.Arrays.copyOf(y.data(), 4), 1e-6f);
        assertArrayEquals(new float[] {2f, 2.25f, 2.75f, 3f}, java.util.Arrays.copyOfRange(y.data(), 12, 16), 1e-6f);
    }

    @Test
    void normalizationDividesByTheStandardDeviation() {
        // (3 - 1) / sqrt(4) = 1 and (-1 - -2) / sqrt(0.25) = 2
        Op norm = new KerasLayers(KerasOrigin.KERAS_2).create("Normalization", json("{'name':'n','axis':-1,"
                + "'mean':[1.0, -2.0],'variance':[4.0, 0.25]}"), List.of());
        assertArrayEquals(new float[] {1f, 2f}, norm.apply(Tensor.of(new float[] {3f, -1f}, 1, 2)).data(), 1e-6f);
    }

    /** Keras saves a nested model's weights as all trainable ones first, then the moving statistics. */
    @Test
    void nestedModelWeightsAreSplitInKerasOrder() {
        JsonNode model = json("{'class_name':'Sequential','config':{'name':'outer','layers':["
                + "{'class_name':'InputLayer','config':{'name':'in','batch_input_shape':[null,4,4,1]}},"
                + "{'class_name':'Sequential','config':{'name':'inner','layers':["
                + "{'class_name':'Conv2D','config':{'name':'conv','filters':2,'kernel_size':[1,1],'use_bias':true}},"
                + "{'class_name':'BatchNormalization','config':{'name':'bn','axis':-1}}]}}]}}");
        Tensor kernel = Tensor.of(new float[] {1f, 2f}, 1, 1, 1, 2);
        Tensor bias = Tensor.of(new float[] {3f, 4f}, 2);
        Tensor gamma = Tensor.of(new float[] {5f, 6f}, 2);
        Tensor beta = Tensor.of(new float[] {7f, 8f}, 2);
        Tensor mean = Tensor.of(new float[] {9f, 10f}, 2);
        Tensor var = Tensor.of(new float[] {11f, 12f}, 2);
        List<Tensor> flat = List.of(kernel, bias, gamma, beta, mean, var);
        Graph graph = new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2),
                name -> name.equals("inner") ? flat : List.of()).read(model);
        Map<String, Tensor> params = new java.util.HashMap<>();
        for (Param p : graph.node("inner/bn").op().params()) {
            params.put(p.name(), p.value());
        }
        assertEquals(gamma, params.get("gamma"));
        assertEquals(var, params.get("moving_variance"));
        assertEquals(bias, graph.node("inner/conv").op().params().get(1).value());
    }

    @Test
    void nestedModelWithTooFewWeightsIsAClearError() {
        JsonNode model = json("{'class_name':'Sequential','config':{'name':'outer','layers':["
                + "{'class_name':'Sequential','config':{'name':'inner','layers':["
                + "{'class_name':'Dense','config':{'name':'d','units':2,'batch_input_shape':[null,3]}}]}}]}}");
        KerasFormatException e = assertThrows(KerasFormatException.class, () -> new ModelConfigReader(
                new KerasLayers(KerasOrigin.KERAS_2), name -> List.of(rand(3, 2))).read(model));
        assertTrue(e.getMessage().contains("'inner'") && e.getMessage().contains("1 weights"), e.getMessage());
    }
}
