package io.gradcam4j.cam.audit;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.metrics.Localisation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The dataset verdict counted by hand from four images. */
class AuditSummaryTest {

    private static ImageAudit image(Integer truth, int predicted, Double onObject, boolean hit, Map<String, Double> m) {
        Localisation loc = onObject == null ? null : new Localisation(true, onObject, hit, onObject / 2, 0, 0);
        return new ImageAudit("x.png", truth, predicted, 0.9, predicted, CamStatus.OK, loc, null, m, 1, 1);
    }

    @Test
    void countsByHand() {
        List<ImageAudit> audits = List.of(
                image(0, 0, 0.9, true, Map.of("deletion.auc", 0.2)),
                image(0, 1, 0.15, false, Map.of("deletion.auc", 0.4)),
                image(1, 1, null, false, Map.of()),
                image(null, 1, 0.55, true, Map.of()));
        AuditSummary s = AuditSummary.of(audits, 2, List.of("a", "b", "c"));
        assertEquals(4, s.images());
        assertEquals(2, s.failed());
        assertEquals(3, s.labelled());
        assertEquals(2.0 / 3, s.accuracy(), 1e-12);
        assertEquals(3, s.located());
        assertEquals((0.9 + 0.15 + 0.55) / 3, s.meanOnObject(), 1e-12);
        assertEquals(2.0 / 3, s.pointingGame(), 1e-12);
        assertEquals((0.45 + 0.075 + 0.275) / 3, s.meanIou(), 1e-12);
        assertArrayEquals(new int[] {1, 1, 0}, s.confusion()[0]);
        assertArrayEquals(new int[] {0, 1, 0}, s.confusion()[1]);
        assertEquals(2, s.perClass().size(), "class c has no image");
        assertEquals(0.5, s.perClass().get(0).accuracy(), 1e-12);
        assertEquals((0.9 + 0.15) / 2, s.perClass().get(0).meanOnObject(), 1e-12);
        assertNull(s.perClass().get(1).meanOnObject(), "its one image has no object: no figure, no NaN");
        assertEquals(1, s.onObjectRight()[9]);
        assertEquals(1, s.onObjectWrong()[1]);
        assertEquals(1, s.onObjectUnlabelled()[5]);
        assertEquals(0.3, s.metricMeans().get("deletion.auc"), 1e-12);
    }

    @Test
    void nothingLabelledNothingLocatedGivesNullsNotNaN() {
        AuditSummary s = AuditSummary.of(List.of(image(null, 0, null, false, Map.of())), 0, List.of("a"));
        assertNull(s.accuracy());
        assertNull(s.meanOnObject());
        assertNull(s.pointingGame());
        assertNull(s.meanIou());
    }
}
