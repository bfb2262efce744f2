package io.gradcam4j.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.audit.AuditSummary;

/** An {@link AuditSummary} as JSON, under the keys of {@code gradcam audit}'s {@code summary} ({@link AuditSummary#asJsonValues}). */
final class SummaryJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private SummaryJson() {
    }

    static ObjectNode of(AuditSummary s) {
        return JSON.valueToTree(s.asJsonValues());
    }
}
