package io.gradcam4j.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.audit.AuditSummary;

/**
 * An {@link AuditSummary} as JSON, under the keys of {@code gradcam audit}'s {@code audit.json}
 * {@code summary} (tools' AuditJson.summary; written again here because the gradcam module has
 * no JSON library and the CLI's jar is not a dependency of this one).
 */
final class SummaryJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private SummaryJson() {
    }

    static ObjectNode of(AuditSummary s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("images", s.images());
        o.put("failed", s.failed());
        o.put("labelled", s.labelled());
        o.put("accuracy", s.accuracy());
        o.put("located", s.located());
        o.put("mean_on_object", s.meanOnObject());
        o.put("pointing_game", s.pointingGame());
        o.put("mean_iou", s.meanIou());
        ArrayNode classes = o.putArray("per_class");
        for (AuditSummary.ClassRow r : s.perClass()) {
            ObjectNode c = classes.addObject();
            c.put("index", r.index());
            c.put("label", r.name());
            c.put("images", r.images());
            c.put("accuracy", r.accuracy());
            c.put("located", r.located());
            c.put("mean_on_object", r.meanOnObject());
        }
        ArrayNode confusion = o.putArray("confusion");
        for (int[] row : s.confusion()) {
            ArrayNode r = confusion.addArray();
            for (int v : row) {
                r.add(v);
            }
        }
        ObjectNode h = o.putObject("on_object_histogram");
        h.put("bins", AuditSummary.BINS);
        h.set("right", JSON.valueToTree(s.onObjectRight()));
        h.set("wrong", JSON.valueToTree(s.onObjectWrong()));
        h.set("unlabelled", JSON.valueToTree(s.onObjectUnlabelled()));
        ObjectNode m = o.putObject("metric_means");
        s.metricMeans().forEach(m::put);
        return o;
    }
}
