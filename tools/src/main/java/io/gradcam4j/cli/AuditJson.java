package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.audit.AuditSummary;
import io.gradcam4j.cam.audit.ImageAudit;
import io.gradcam4j.cam.metrics.Localisation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * An audit's records as JSON and CSV, one format for the journal, {@code audit.json} and
 * {@code audit.csv}: {@code image, true_label, predicted_label, confidence, correct, on_object,
 * pointing_hit, iou, status, ...} with {@code null} (an empty CSV cell) where a figure does not
 * apply.
 */
final class AuditJson {
    private AuditJson() {
    }

    static ObjectNode image(ImageAudit a, IntFunction<String> label) {
        ObjectNode o = Reports.JSON.createObjectNode();
        o.put("image", a.image());
        if (a.trueIndex() != null) {
            o.put("true_label", label.apply(a.trueIndex()));
            o.put("true_index", a.trueIndex());
        } else {
            o.putNull("true_label");
            o.putNull("true_index");
        }
        o.put("predicted_label", label.apply(a.predictedIndex()));
        o.put("predicted_index", a.predictedIndex());
        o.put("confidence", a.confidence());
        putNullable(o, "correct", a.correct());
        o.put("explained_label", label.apply(a.explainedIndex()));
        o.put("explained_index", a.explainedIndex());
        putNullable(o, "on_object", a.onObject());
        putNullable(o, "pointing_hit", a.pointingHit());
        putNullable(o, "iou", a.iou());
        o.put("status", a.status().json());
        if (a.localisation() != null && a.localisation().defined()) {
            o.putArray("peak").add(a.localisation().peakX()).add(a.localisation().peakY());
        }
        o.put("object", a.objectNote());
        ObjectNode m = o.putObject("metrics");
        new java.util.TreeMap<>(a.metrics()).forEach(m::put);
        o.put("map", mapFile(a.image()));
        o.putObject("passes").put("forward", a.forwardPasses()).put("backward", a.backwardPasses());
        return o;
    }

    /** Where the audit keeps an image's normalised map: {@code maps/<relative path>.npy}. */
    static String mapFile(String image) {
        return "maps/" + image + ".npy";
    }

    static ImageAudit fromJson(JsonNode o) {
        Localisation loc = null;
        if (o.hasNonNull("on_object")) {
            loc = new Localisation(true, o.get("on_object").asDouble(), o.get("pointing_hit").asBoolean(),
                    o.get("iou").asDouble(), o.get("peak").get(0).asInt(), o.get("peak").get(1).asInt());
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        o.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        return new ImageAudit(o.get("image").asText(), o.get("true_index").isNull() ? null : o.get("true_index").asInt(),
                o.get("predicted_index").asInt(), o.get("confidence").asDouble(), o.get("explained_index").asInt(),
                CamStatus.fromJson(o.get("status").asText()), loc,
                o.get("object").isNull() ? null : o.get("object").asText(), metrics,
                o.path("passes").path("forward").asLong(), o.path("passes").path("backward").asLong());
    }

    static ObjectNode summary(AuditSummary s) {
        return Reports.JSON.valueToTree(s.asJsonValues());
    }

    /** The CSV: one header, one line per image, the metric figures as their own columns. */
    static String csv(List<JsonNode> images) {
        TreeSet<String> metricNames = new TreeSet<>();
        images.forEach(i -> i.path("metrics").fieldNames().forEachRemaining(metricNames::add));
        List<String> columns = List.of("image", "true_label", "predicted_label", "confidence", "correct", "on_object",
                "pointing_hit", "iou", "status", "explained_label", "object");
        StringBuilder sb = new StringBuilder(String.join(",", columns));
        metricNames.forEach(n -> sb.append(',').append(n));
        sb.append('\n');
        for (JsonNode i : images) {
            StringBuilder line = new StringBuilder();
            for (String c : columns) {
                line.append(line.length() == 0 && c.equals("image") ? "" : ",").append(cell(i.get(c)));
            }
            metricNames.forEach(n -> line.append(',').append(cell(i.path("metrics").get(n))));
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private static String cell(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isDouble()) {
            return String.format(Locale.ROOT, "%.6g", v.asDouble());
        }
        String s = v.asText();
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static void putNullable(ObjectNode o, String key, Object v) {
        if (v == null) {
            o.putNull(key);
        } else if (v instanceof Boolean b) {
            o.put(key, b);
        } else {
            o.put(key, ((Number) v).doubleValue());
        }
    }
}
