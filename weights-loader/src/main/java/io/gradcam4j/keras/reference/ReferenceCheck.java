package io.gradcam4j.keras.reference;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.engine.Gradients;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Step;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Recording;
import io.gradcam4j.engine.train.CrossEntropy;
import io.gradcam4j.engine.train.LossValue;
import io.gradcam4j.keras.KerasLayers;
import io.gradcam4j.keras.KerasOrigin;
import io.gradcam4j.keras.ModelConfigReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a reference case through the engine and compares every array it holds: forward output,
 * input and weight gradients of {@code L = sum(output * projection)}, updated moving statistics,
 * tapped activations and their gradients, loss values. Used by the tests and by
 * {@code gradcam selfcheck}, which checks the machine it runs on.
 */
public final class ReferenceCheck {
    /** DESIGN.md: activations and gradients within 1e-4 of the largest reference magnitude. */
    public static final double TOLERANCE = 1e-4;

    private ReferenceCheck() {
    }

    /** A case of {@code testdata/layers}: one Keras layer. */
    public static List<Comparison> layer(ReferenceCase c) {
        JsonNode spec = c.spec();
        Op op = new KerasLayers(KerasOrigin.KERAS_2).create(spec.get("class_name").asText(), spec.get("config"), c.arrays("weights"));
        Mode mode = spec.path("training").asBoolean(false) ? Mode.training(1) : Mode.INFERENCE;
        List<Tensor> in = c.arrays("inputs");
        Step step = op.forward(in.toArray(new Tensor[0]), mode);
        List<Comparison> out = new ArrayList<>();
        out.add(Comparison.of("output", c.array("output"), step.output()));
        int[][] inShapes = in.stream().map(Tensor::shape).toArray(int[][]::new);
        out.add(shapes("output shape found without running", c.array("output").shape(), op.outputShape(inShapes)));
        Gradients weightGrads = new Gradients();
        Tensor[] inputGrads = step.backward().apply(c.array("projection"), weightGrads);
        List<Tensor> expected = c.arrays("input_grads");
        for (int i = 0; i < expected.size(); i++) {
            out.add(Comparison.of("gradient of input " + i, expected.get(i), inputGrads[i]));
        }
        for (JsonNode wg : spec.withArray("weight_grads")) {
            Param p = param(op, wg.get("name").asText());
            Tensor g = weightGrads.get(p);
            out.add(Comparison.of("gradient of " + p.name(), c.array(wg), g != null ? g : Tensor.zerosLike(p.value())));
        }
        for (JsonNode uw : spec.withArray("updated_weights")) {
            Param p = param(op, uw.get("name").asText());
            out.add(Comparison.of("updated " + p.name(), c.array(uw), p.value()));
        }
        return out;
    }

    /** A case of {@code testdata/graphs}: a functional model, tapped at an inner node. */
    public static List<Comparison> graph(ReferenceCase c) {
        Map<String, List<Tensor>> byLayer = new HashMap<>();
        for (JsonNode w : c.spec().withArray("weights")) {
            byLayer.computeIfAbsent(w.get("layer").asText(), k -> new ArrayList<>()).add(c.array(w));
        }
        Graph graph = new ModelConfigReader(new KerasLayers(KerasOrigin.KERAS_2), name -> byLayer.getOrDefault(name, List.of()))
                .read(c.readJson(c.spec().get("model").asText()));
        Tensor[] inputs = c.arrays("inputs").toArray(new Tensor[0]);
        String tap = c.spec().get("tap").asText();
        String input = graph.inputs().get(0).name();
        Recording rec = graph.record(inputs, Mode.INFERENCE, List.of(tap, input), false);
        Map<String, Tensor> grads = rec.backward(c.array("projection"));
        List<Comparison> out = new ArrayList<>();
        out.add(Comparison.of("output", c.array("output"), rec.output()));
        out.add(Comparison.of("activation of " + tap, c.array("tap_output"), rec.value(tap)));
        out.add(Comparison.of("gradient at " + tap, c.array("tap_grad"), grads.get(tap)));
        out.add(Comparison.of("gradient at the input", c.arrays("input_grads").get(0), grads.get(input)));
        out.add(Comparison.of("output of predict()", c.array("output"), graph.predict(inputs)));
        Map<String, int[]> shapes = graph.outputShapes(inputs);
        out.add(shapes("shape of " + tap + " found without running", c.array("tap_output").shape(), shapes.get(tap)));
        out.add(shapes("output shape found without running", c.array("output").shape(),
                shapes.get(graph.output().name())));
        return out;
    }

    /** Two shapes compared as vectors of numbers; {@code null} (unknown) never matches. */
    private static Comparison shapes(String what, int[] expected, int[] actual) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        float[] a = new float[actual == null ? 1 : actual.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = actual == null ? -1 : actual[i];
        }
        return Comparison.of(what, Tensor.of(e, e.length), Tensor.of(a, a.length));
    }

    /** A case of {@code testdata/losses}: a cross-entropy value and its gradient. */
    public static List<Comparison> loss(ReferenceCase c) {
        Tensor yTrue = c.array("y_true");
        Tensor yPred = c.array("y_pred");
        boolean fromLogits = c.spec().get("from_logits").asBoolean();
        LossValue loss;
        if (c.spec().get("loss").asText().equals("sparse_categorical_crossentropy")) {
            int[] labels = new int[yTrue.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = Math.round(yTrue.data()[i]);
            }
            loss = CrossEntropy.sparseCategorical(labels, yPred, fromLogits);
        } else {
            loss = CrossEntropy.categorical(yTrue, yPred, fromLogits);
        }
        return List.of(
                Comparison.scalar("loss value", c.spec().get("loss_value").asDouble(), loss.value()),
                Comparison.of("gradient", c.array("grad_y_pred"), loss.gradient()));
    }

    private static Param param(Op op, String name) {
        return op.params().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("op " + op.describe() + " has no weight '" + name + "'"));
    }
}
