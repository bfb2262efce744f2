package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.engine.Tensor;

/** The JSON documents the commands (and the web page's API) print and write. */
public final class Reports {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {
    }

    static ObjectNode model(LoadedModel m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("source", m.source());
        n.put("name", m.model().name());
        n.put("sha256", m.sha256());
        n.put("preprocessing", m.preprocessing().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode shape = n.putArray("input_shape");
        for (int d : m.view().imageShape()) {
            if (d > 0) {
                shape.add(d);
            } else {
                shape.addNull();
            }
        }
        if (m.model().inputShapes().size() > 1) {
            n.put("image_input", m.view().imageInput());
        }
        return n;
    }

    /**
     * Which output the report is about ({@code "output"}); for a model with several, every
     * head's vectors ({@code "outputs"}: name, shape, activation, values, logits) and how to choose
     * another ({@code "output_note"}).
     */
    static void outputs(ObjectNode out, LoadedModel m, java.util.List<HeadOutputs> heads) {
        out.put("output", m.view().output());
        if (m.view().outputs().size() > 1) {
            out.put("output_note", m.view().outputNote());
            ArrayNode all = out.putArray("outputs");
            for (HeadOutputs h : heads) {
                all.add(h.json(m.view()));
            }
        }
    }

    /** Top-k predictions, and the full output vectors so other tools can compare them. */
    static void predictions(ObjectNode out, LoadedModel m, float[] probabilities, float[] logits, int top) {
        ArrayNode preds = out.putArray("predictions");
        int[] order = ClassSelection.rank(probabilities);
        for (int i = 0; i < Math.min(top, order.length); i++) {
            ObjectNode p = preds.addObject();
            p.put("index", order[i]);
            p.put("label", m.label(order[i]));
            p.put("probability", probabilities[order[i]]);
            if (logits != null) {
                p.put("logit", logits[order[i]]);
            }
        }
        ArrayNode all = out.putArray("probabilities");
        for (float v : probabilities) {
            all.add(v);
        }
        if (logits != null) {
            ArrayNode l = out.putArray("logits");
            for (float v : logits) {
                l.add(v);
            }
        }
    }

    /**
     * One image's report for one method, as {@code explain --json} prints it, without the output
     * files (which the caller adds to each of {@code targets}, in the order of {@code e.maps()}).
     *
     * @param x the model input the explanation was computed on, (1, H, W, C): a model with
     *     several heads reports every head's vectors for it
     */
    public static ObjectNode report(LoadedModel model, String image, Explanation e, Tensor x, ScoreChoice scoreChoice,
                                    double loadMs) {
        return report(model, image, e, model.view().outputs().size() > 1 ? HeadOutputs.all(model.view(), x)
                : java.util.List.of(), scoreChoice, loadMs);
    }

    /** {@link #report(LoadedModel, String, Explanation, Tensor, ScoreChoice, double)} with the heads' vectors computed once per image. */
    static ObjectNode report(LoadedModel model, String image, Explanation e, java.util.List<HeadOutputs> heads,
                             ScoreChoice scoreChoice, double loadMs) {
        ObjectNode report = explanation(model, image, e);
        if (scoreChoice.onFeatures()) {
            report.put("score", scoreChoice.name());
        }
        outputs(report, model, heads);
        ArrayNode targets = report.putArray("targets");
        for (ClassMap map : e.maps()) {
            targets.add(target(model, e, map));
        }
        ObjectNode timings = report.putObject("timings_ms");
        timings.put("load", loadMs);
        timings.put("forward", e.forwardMillis());
        timings.put("method", e.methodMillis());
        ObjectNode passes = report.putObject("passes");
        passes.put("forward", e.passes().forward());
        passes.put("backward", e.passes().backward());
        report.set("model", model(model));   // keeps its place, first in the report
        return report;
    }

    /** {@code layers --json}: the model, its suggested Grad-CAM layer and every layer's shape and size. */
    public static ObjectNode layers(LoadedModel loaded) {
        io.gradcam4j.keras.KerasModel model = loaded.model();
        ObjectNode r = JSON.createObjectNode();
        r.set("model", model(loaded));
        r.put("gradcam_layer", model.suggestedGradcamLayer());
        ArrayNode layers = r.putArray("layers");
        for (io.gradcam4j.keras.LayerInfo l : model.layers()) {
            ObjectNode n = layers.addObject();
            n.put("name", l.name());
            n.put("class_name", l.className());
            ArrayNode shape = n.putArray("output_shape");
            int[] s = model.outputShapes().get(l.name());
            for (int i = 1; s != null && i < s.length; i++) {
                shape.add(s[i]);
            }
            var node = model.graph().node(l.name());
            n.put("params", node.isInput() ? 0 : node.op().params().stream().mapToLong(p -> p.value().size()).sum());
            ArrayNode in = n.putArray("inputs");
            l.inputs().forEach(in::add);
        }
        return r;
    }

    /**
     * The start of one image's report for one method: model (filled in last), image, layer,
     * method and its parameters, score kind, predictions.
     */
    static ObjectNode explanation(LoadedModel m, String image, Explanation e) {
        ObjectNode report = JSON.createObjectNode();
        report.putNull("model");
        report.put("image", image);
        if (e.layers().isEmpty()) {
            report.putNull("layer");
        } else {
            ObjectNode layerNode = report.putObject("layer");
            layerNode.put("name", String.join(",", e.layers()));
            ArrayNode shape = layerNode.putArray("shape");
            for (int i = 1; i < e.layerShape().length; i++) {
                shape.add(e.layerShape()[i]);
            }
        }
        report.put("method", e.method());
        report.set("parameters", JSON.valueToTree(e.parameters()));
        report.put("score", scoreName(e));
        predictions(report, m, e.probabilities(), e.logits(), 5);
        return report;
    }

    /**
     * One explained class: its map under {@code cam} (layer resolution for CAM methods, input
     * resolution for input-space ones), and for channel-weight methods the weights (alpha_k) and
     * the ten channels that contribute most, so the arithmetic can be followed.
     */
    static ObjectNode target(LoadedModel m, Explanation e, ClassMap map) {
        ObjectNode t = JSON.createObjectNode();
        t.put("index", map.classIndex());
        t.put("label", m.label(map.classIndex()));
        t.put("method", e.method());
        t.set("parameters", JSON.valueToTree(e.parameters()));
        t.put("score", map.score());
        t.put("status", map.status().json());
        t.put("signed", map.signed());
        t.put("cam_max", map.maxValue());
        t.set("cam", grid(map.cam()));
        map.figures().forEach(t::put);
        if (map.channelWeights() != null) {
            ArrayNode w = t.putArray("channel_weights");
            for (float v : map.channelWeights()) {
                w.add(v);
            }
            ArrayNode top = t.putArray("top_channels");
            for (ClassMap.ChannelContribution c : map.topChannels()) {
                top.addObject().put("channel", c.channel()).put("weight", c.weight()).put("contribution", c.contribution());
            }
        }
        return t;
    }

    /** A (H, W) tensor as nested lists, rows first. */
    static ArrayNode grid(Tensor t) {
        ArrayNode rows = JSON.createArrayNode();
        int h = t.dim(0);
        int w = t.dim(1);
        for (int y = 0; y < h; y++) {
            ArrayNode row = rows.addArray();
            for (int x = 0; x < w; x++) {
                row.add(t.data()[y * w + x]);
            }
        }
        return rows;
    }

    /**
     * What {@code --json} prints for a run: one image's report, or {@code {"error", "kind", "image"}}
     * when it failed; for several images {@code {"results": [...], "failures": [{"image", "error",
     * "kind"}]}} (the kinds of {@link Failure}).
     */
    static com.fasterxml.jackson.databind.JsonNode batch(ArrayNode reports, java.util.Map<java.nio.file.Path, Failure> failures) {
        if (reports.size() + failures.size() == 1) {
            if (reports.size() == 1) {
                return reports.get(0);
            }
            var e = failures.entrySet().iterator().next();
            ObjectNode error = JSON.createObjectNode();
            error.put("error", e.getValue().message());
            error.put("kind", e.getValue().kind());
            error.put("image", e.getKey().toString());
            return error;
        }
        ObjectNode all = JSON.createObjectNode();
        all.set("results", reports);
        ArrayNode failed = all.putArray("failures");
        failures.forEach((image, f) -> failed.addObject().put("image", image.toString()).put("error", f.message())
                .put("kind", f.kind()));
        return all;
    }

    /**
     * The report with every non-finite number replaced by null, and whether there was one: JSON
     * has no NaN or infinity, and the commands then exit non-zero (the statuses and checks
     * upstream should have caught it first).
     */
    public static boolean replaceNonFinite(com.fasterxml.jackson.databind.JsonNode node) {
        boolean found = false;
        if (node instanceof ObjectNode o) {
            for (var it = o.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isNumber() && !Double.isFinite(e.getValue().asDouble())) {
                    o.putNull(e.getKey());
                    found = true;
                } else {
                    found |= replaceNonFinite(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isNumber() && !Double.isFinite(a.get(i).asDouble())) {
                    a.set(i, JSON.nullNode());
                    found = true;
                } else {
                    found |= replaceNonFinite(a.get(i));
                }
            }
        }
        return found;
    }

    static String scoreName(Explanation e) {
        if (e.logits() == null) {
            return "output";
        }
        return e.scoreKind().name().toLowerCase(java.util.Locale.ROOT);
    }
}
