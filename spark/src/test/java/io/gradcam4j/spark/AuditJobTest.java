package io.gradcam4j.spark;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.audit.AuditSummary;
import io.gradcam4j.cam.audit.ImageAudit;
import io.gradcam4j.cam.metrics.Localisation;
import io.gradcam4j.cam.metrics.ObjectMask;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit job on local[2] over a copy of the demo's held-out set with its masks, one damaged
 * picture and one folder that names no class: each row of the written table, and the summary,
 * against the audit computed in the test with the library as {@code gradcam audit --masks} does
 * it (folder = true class, predicted class explained, on-object share against the mask).
 */
class AuditJobTest {

    /** The held-out set and its masks copied under {@code dir}, plus the two odd pictures. */
    static void collection(Path dir) throws IOException {
        copyTree(LibraryReference.HELDOUT, dir.resolve("images"));
        copyTree(LibraryReference.HELDOUT_MASKS, dir.resolve("masks"));
        byte[] png = Files.readAllBytes(LibraryReference.HELDOUT.resolve("star/000.png"));
        Files.write(dir.resolve("images/star/broken.png"), Arrays.copyOf(png, 300));
        Files.createDirectories(dir.resolve("images/unsorted"));
        Files.write(dir.resolve("images/unsorted/loose.png"), png);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
    }

    static String[] arguments(Path dir, String format) {
        return new String[] {"--model", LibraryReference.DEMO_RECORD.toString(), "--images",
                dir.resolve("images").toString(), "--masks", dir.resolve("masks").toString(), "--out",
                dir.resolve("out").toString(), "--format", format, "--batch-size", "8"};
    }

    @Test
    void tableAndSummaryEqualTheLibrarysAudit(@TempDir Path dir) throws IOException {
        collection(dir);
        SparkSession spark = LocalSpark.get();
        AuditJob.Result result = AuditJob.run(spark, AuditArguments.parse(arguments(dir, "json")));
        List<Row> table = spark.read().json(dir.resolve("out/images").toString()).collectAsList();
        assertEquals(202, table.size());
        assertTrue(Files.exists(dir.resolve("out/summary.json")));

        LibraryReference library = new LibraryReference();
        List<ImageAudit> expected = new ArrayList<>();
        Map<String, Row> byImage = new HashMap<>();
        table.forEach(r -> byImage.put(r.getString(r.fieldIndex("image")), r));
        for (Row row : table) {
            String image = row.getString(row.fieldIndex("image"));
            Path file = dir.resolve("images").resolve(image);
            if (image.equals("star/broken.png")) {
                assertTrue(row.getString(row.fieldIndex("error")).contains("broken.png"));
                assertEquals("damaged-input", row.getString(row.fieldIndex("error_kind")));
                continue;
            }
            assertTrue(row.isNullAt(row.fieldIndex("error")), image);
            Explanation e = library.explain(file, "gradcam", List.of(), ScoreKind.LOGIT);
            ClassMap map = e.maps().get(0);
            int predicted = e.ranking()[0];
            String folder = image.substring(0, image.indexOf('/'));
            Integer truth = LibraryReference.CLASSES.contains(folder) ? LibraryReference.CLASSES.indexOf(folder) : null;
            assertEquals(truth == null ? null : folder, row.getAs("true_label"), image);
            assertEquals(LibraryReference.CLASSES.get(predicted), row.getAs("predicted_label"), image);
            assertEquals(e.probabilities()[predicted], row.<Double>getAs("confidence"), 1e-6, image);
            List<Double> cam = row.getList(row.fieldIndex("cam"));
            float[] want = map.cam().data();
            assertEquals(want.length, cam.size());
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], cam.get(i), 1e-6, image + " cell " + i);
            }
            assertEquals(map.status().json(), row.getAs("status"), image);
            Path maskFile = dir.resolve("masks").resolve(image);
            Localisation loc = null;
            if (Files.exists(maskFile)) {
                int w = library.load(file).original().getWidth();
                int h = library.load(file).original().getHeight();
                loc = Localisation.of(map, maskOf(maskFile, w, h));
            } else {
                // the picture outside the class folders has no mask, at its path or by its stem
                assertEquals("unsorted/loose.png", image);
            }
            if (loc != null && loc.defined()) {
                assertEquals(loc.onObjectShare(), row.<Double>getAs("on_object"), 1e-9, image);
                assertEquals(loc.pointingHit(), row.<Boolean>getAs("pointing_hit"), image);
            } else {
                assertTrue(row.isNullAt(row.fieldIndex("on_object")), image);
            }
            expected.add(new ImageAudit(image, truth, predicted, e.probabilities()[predicted], map.classIndex(),
                    map.status(), loc, null, Map.of(), 0, 0));
        }
        AuditSummary want = AuditSummary.of(expected, 1, LibraryReference.CLASSES);
        AuditSummary got = result.summary();
        assertEquals(201, got.images());
        assertEquals(1, got.failed());
        assertEquals(200, got.labelled());
        assertEquals(want.accuracy(), got.accuracy(), 1e-12);
        assertEquals(want.located(), got.located());
        assertEquals(want.meanOnObject(), got.meanOnObject(), 1e-9);
        assertEquals(want.pointingGame(), got.pointingGame(), 1e-12);
        assertEquals(want.meanIou(), got.meanIou(), 1e-9);
        assertArrayEquals(want.confusion(), got.confusion());
        assertArrayEquals(want.onObjectRight(), got.onObjectRight());
        assertArrayEquals(want.onObjectWrong(), got.onObjectWrong());
        assertArrayEquals(want.onObjectUnlabelled(), got.onObjectUnlabelled());
        assertEquals(want.perClass().size(), got.perClass().size());
        for (int c = 0; c < want.perClass().size(); c++) {
            AuditSummary.ClassRow w = want.perClass().get(c);
            AuditSummary.ClassRow g = got.perClass().get(c);
            assertEquals(w.name(), g.name());
            assertEquals(w.images(), g.images());
            assertEquals(w.accuracy(), g.accuracy(), 1e-12);
            assertEquals(w.meanOnObject(), g.meanOnObject(), 1e-9);
        }
        assertEquals(Map.of("star/broken.png", result.failures().get("star/broken.png")), result.failures());
        assertNull(byImage.get("unsorted/loose.png").getAs("true_label"));
    }

    @Test
    void parquetTableHoldsTheSameRowsAsJson(@TempDir Path dir) throws IOException {
        collection(dir);
        SparkSession spark = LocalSpark.get();
        AuditJob.run(spark, AuditArguments.parse(arguments(dir, "parquet")));
        List<Row> rows = spark.read().parquet(dir.resolve("out/images").toString())
                .select("image", "predicted_label", "cam", "on_object").orderBy("image").collectAsList();
        assertEquals(202, rows.size());
        assertEquals("circle/000.png", rows.get(0).getString(0));
    }

    private static ObjectMask maskOf(Path file, int width, int height) throws IOException {
        float[] px = ImageLoader.load(file, new ImageLoader.Options(height, width, 3, ImageLoader.Interpolation.NEAREST,
                false, ImageLoader.DEFAULT_MAX_PIXELS)).pixels().data();
        boolean[] inside = new boolean[width * height];
        for (int i = 0; i < inside.length; i++) {
            inside[i] = px[3 * i] != 0 || px[3 * i + 1] != 0 || px[3 * i + 2] != 0;
        }
        return ObjectMask.of(width, height, inside);
    }
}
