package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every numeric argument of the layers that take one, set to zero, negative, huge, a fraction, a
 * string, a boolean and a list: the layer is built and run on a small input, and the outcome must
 * be a typed refusal naming the layer and the argument, a clear error from the op, or finite
 * numbers — never a JDK exception, a hang or NaN. Keras's own rules are checked by name (positive
 * sizes, strides and dilation, epsilon > 0, rates in [0, 1], numeric scales).
 */
class LayerArgumentFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> BAD = List.of(
            JSON.valueToTree(0), JSON.valueToTree(-1), JSON.valueToTree(-3), JSON.valueToTree(100000),
            JSON.valueToTree(0.5), JSON.valueToTree("a"), JSON.valueToTree(true), JSON.valueToTree(List.of(0, 0)),
            JSON.valueToTree(List.of(-2, 1)), JSON.valueToTree(List.of(1, 2, 3)), JSON.valueToTree(1e30));

    /** A layer's class, a valid config, its weights for a 6x6x2 input, and its numeric arguments. */
    private record Case(String className, String config, List<Tensor> weights, List<String> arguments) {
    }

    private final Random random = new Random(3);

    private Tensor rand(int... shape) {
        return GradientCheck.random(random, -1f, 1f, shape);
    }

    private List<Case> cases() {
        return List.of(
                new Case("Conv2D", "{'name':'c','filters':3,'kernel_size':[3,3],'strides':[1,1],'dilation_rate':[1,1],"
                        + "'padding':'same','use_bias':true}", List.of(rand(3, 3, 2, 3), rand(3)),
                        List.of("filters", "kernel_size", "strides", "dilation_rate")),
                new Case("DepthwiseConv2D", "{'name':'d','kernel_size':[3,3],'strides':[1,1],'dilation_rate':[1,1],"
                        + "'depth_multiplier':1,'padding':'valid','use_bias':false}", List.of(rand(3, 3, 2, 1)),
                        List.of("kernel_size", "strides", "dilation_rate", "depth_multiplier")),
                new Case("MaxPooling2D", "{'name':'m','pool_size':[2,2],'strides':[2,2],'padding':'valid'}", List.of(),
                        List.of("pool_size", "strides")),
                new Case("AveragePooling2D", "{'name':'a','pool_size':[2,2],'padding':'same'}", List.of(),
                        List.of("pool_size", "strides")),
                new Case("BatchNormalization", "{'name':'b','axis':-1,'epsilon':0.001,'momentum':0.99}",
                        List.of(rand(2), rand(2), rand(2), GradientCheck.random(random, 0.5f, 1f, 2)),
                        List.of("epsilon")),
                new Case("Dropout", "{'name':'r','rate':0.5}", List.of(), List.of("rate")),
                new Case("SpatialDropout2D", "{'name':'s','rate':0.5}", List.of(), List.of("rate")),
                new Case("Rescaling", "{'name':'x','scale':0.5,'offset':1.0}", List.of(), List.of("scale", "offset")),
                new Case("UpSampling2D", "{'name':'u','size':[2,2]}", List.of(), List.of("size")),
                new Case("ReLU", "{'name':'l','max_value':6.0,'negative_slope':0.0,'threshold':0.0}", List.of(),
                        List.of("max_value", "negative_slope", "threshold")),
                new Case("LeakyReLU", "{'name':'k','alpha':0.3}", List.of(), List.of("alpha")),
                new Case("ELU", "{'name':'e','alpha':1.0}", List.of(), List.of("alpha")));
    }

    @Test
    void everyNumericArgumentGivesATypedErrorOrFiniteNumbers() {
        int tried = 0;
        int refused = 0;
        List<String> problems = new ArrayList<>();
        for (Case c : cases()) {
            for (String arg : c.arguments()) {
                for (JsonNode bad : BAD) {
                    ObjectNode config = (ObjectNode) json(c.config());
                    config.set(arg, bad);
                    tried++;
                    Op op;
                    try {
                        op = new KerasLayers(KerasOrigin.KERAS_2).create(c.className(), config, c.weights());
                    } catch (KerasFormatException | UnsupportedKerasFeatureException e) {
                        refused++;
                        if (!e.getMessage().contains("'" + config.get("name").asText() + "'")) {
                            problems.add(c.className() + " " + arg + "=" + bad + ": the refusal does not name the layer: "
                                    + e.getMessage());
                        }
                        continue;
                    } catch (RuntimeException e) {
                        problems.add(c.className() + " " + arg + "=" + bad + ": " + e);
                        continue;
                    }
                    try {
                        Tensor y = op.apply(rand(1, 6, 6, 2));
                        for (float v : y.data()) {
                            if (!Float.isFinite(v)) {
                                problems.add(c.className() + " " + arg + "=" + bad + ": output holds " + v);
                                break;
                            }
                        }
                    } catch (IllegalArgumentException | io.gradcam4j.engine.errors.Gradcam4jException e) {
                        refused++;   // the op's own shape checks and resource limits, with a message
                    } catch (RuntimeException e) {
                        problems.add(c.className() + " " + arg + "=" + bad + " ran into " + e);
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(tried > 250 && refused > tried / 2, tried + " tried, " + refused + " refused");
    }

    @Test
    void argumentsKerasWouldRejectAreRefusedAtLoadNamingLayerArgumentAndValue() {
        String[][] rejected = {
                {"MaxPooling2D", "{'name':'pool','pool_size':[0,0]}", "pool_size"},
                {"AveragePooling2D", "{'name':'pool','pool_size':0}", "pool_size"},
                {"Conv2D", "{'name':'conv','filters':3,'kernel_size':3,'dilation_rate':[0,0]}", "dilation_rate"},
                {"Conv2D", "{'name':'conv','filters':3,'kernel_size':3,'strides':0}", "strides"},
                {"Conv2D", "{'name':'conv','filters':3,'kernel_size':3,'strides':[-1,-1]}", "strides"},
                {"DepthwiseConv2D", "{'name':'conv','kernel_size':3,'dilation_rate':-2}", "dilation_rate"},
                {"Rescaling", "{'name':'scale','scale':'a'}", "scale"},
                {"BatchNormalization", "{'name':'bn','epsilon':-1}", "epsilon"},
                {"BatchNormalization", "{'name':'bn','epsilon':0}", "epsilon"},
                {"Dropout", "{'name':'drop','rate':1.5}", "rate"},
        };
        for (String[] r : rejected) {
            KerasFormatException e = assertThrows(KerasFormatException.class,
                    () -> new KerasLayers(KerasOrigin.KERAS_2).create(r[0], json(r[1]), weightsFor(r[0])), r[1]);
            assertTrue(e.getMessage().contains(json(r[1]).get("name").asText()) && e.getMessage().contains(r[2]),
                    e.getMessage());
        }
    }

    private List<Tensor> weightsFor(String className) {
        return switch (className) {
            case "Conv2D" -> List.of(rand(3, 3, 2, 3), rand(3));
            case "DepthwiseConv2D" -> List.of(rand(3, 3, 2, 1), rand(2));
            case "BatchNormalization" -> List.of(rand(2), rand(2), rand(2), rand(2));
            default -> List.of();
        };
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
