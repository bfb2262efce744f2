package io.gradcam4j.spark;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.metrics.Localisation;
import io.gradcam4j.cam.metrics.ObjectMask;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transformer on a local[2] session against the library run directly in the test's JVM
 * ({@link LibraryReference}, the code path of {@code gradcam explain}): every row of the demo's
 * 200 held-out pictures, with their masks, bad images, the image source, top-k and label
 * classes, overlays, and a saved pipeline read back.
 */
class GradCamTransformerTest {
    private static final double MAP_TOLERANCE = 1e-6;

    private static SparkSession spark;
    private static LibraryReference library;

    @BeforeAll
    static void start() throws IOException {
        spark = LocalSpark.get();
        library = new LibraryReference();
    }

    static Dataset<Row> binaryFiles(Path folder) {
        return LocalSpark.get().read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.png").load(folder.toString());
    }

    static GradCamTransformer demoTransformer() {
        return new GradCamTransformer().setModelPath(LibraryReference.DEMO_RECORD.toString());
    }

    static Path pathOf(Row row) {
        return Path.of(URI.create(row.getString(row.fieldIndex("path"))));
    }

    static Row result(Row row) {
        return row.getStruct(row.fieldIndex("gradcam"));
    }

    static List<Row> maps(Row result) {
        return result.getList(result.fieldIndex("maps"));
    }

    /** One map of a row against the library's map for the same class: index, score, raw map within 1e-6, shape, status. */
    static void assertSameMap(ClassMap expected, Row actual, String where) {
        assertEquals(expected.classIndex(), actual.getInt(actual.fieldIndex("class_index")), where);
        assertEquals(expected.score(), actual.getFloat(actual.fieldIndex("score")), 1e-5 * Math.max(1, Math.abs(expected.score())), where);
        float[] cam = expected.cam().data();
        List<Float> got = actual.getList(actual.fieldIndex("cam"));
        assertEquals(cam.length, got.size(), where);
        for (int i = 0; i < cam.length; i++) {
            assertEquals(cam[i], got.get(i), MAP_TOLERANCE, where + " cell " + i);
        }
        List<Integer> shape = actual.getList(actual.fieldIndex("cam_shape"));
        assertArrayEquals(expected.cam().shape(), shape.stream().mapToInt(Integer::intValue).toArray(), where);
        assertEquals(expected.status().json(), actual.getString(actual.fieldIndex("status")), where);
    }

    @Test
    void everyHeldOutRowEqualsTheLibrary() throws IOException {
        List<Row> rows = demoTransformer().transform(binaryFiles(LibraryReference.HELDOUT))
                .select("path", "gradcam").collectAsList();
        assertEquals(200, rows.size());
        for (Row row : rows) {
            Path image = pathOf(row);
            Explanation e = library.explain(image, "gradcam", List.of(), ScoreKind.LOGIT);
            Row r = result(row);
            assertNull(r.get(r.fieldIndex("error")), image + ": " + r.get(r.fieldIndex("error")));
            int[] ranking = e.ranking();
            assertEquals(ranking[0], r.getInt(r.fieldIndex("predicted_index")), image.toString());
            assertEquals(LibraryReference.CLASSES.get(ranking[0]), r.getString(r.fieldIndex("predicted_label")));
            assertEquals(e.probabilities()[ranking[0]], r.getFloat(r.fieldIndex("confidence")), 1e-6, image.toString());
            List<Row> predictions = r.getList(r.fieldIndex("predictions"));
            assertEquals(5, predictions.size());
            for (int k = 0; k < 5; k++) {
                assertEquals(ranking[k], predictions.get(k).getInt(0), image + " rank " + k);
                assertEquals(e.probabilities()[ranking[k]], predictions.get(k).getFloat(2), 1e-6, image + " rank " + k);
            }
            assertEquals(library.layer(), r.getString(r.fieldIndex("layer")));
            assertEquals(1, maps(r).size());
            assertSameMap(e.maps().get(0), maps(r).get(0), image.toString());
        }
    }

    @Test
    void onObjectFiguresEqualLocalisationWithTheMasks() throws IOException {
        // the images with their masks (same relative path under heldout-masks) as a mask column
        List<Row> input = new ArrayList<>();
        try (Stream<Path> files = Files.walk(LibraryReference.HELDOUT)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().limit(60).toList()) {
                Path mask = LibraryReference.HELDOUT_MASKS.resolve(LibraryReference.HELDOUT.relativize(p));
                input.add(RowFactory.create(p.toString(), Files.readAllBytes(p),
                        Files.exists(mask) ? Files.readAllBytes(mask) : null));
            }
        }
        StructType schema = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType)
                .add("mask", DataTypes.BinaryType);
        List<Row> rows = demoTransformer().setMaskCol("mask").setBatchSize(7)
                .transform(spark.createDataFrame(input, schema).repartition(3)).collectAsList();
        assertEquals(60, rows.size());
        int measured = 0;
        for (Row row : rows) {
            Path image = Path.of(row.getString(0));
            Explanation e = library.explain(image, "gradcam", List.of(), ScoreKind.LOGIT);
            ClassMap map = e.maps().get(0);
            Row m = maps(result(row)).get(0);
            assertSameMap(map, m, image.toString());
            Path maskFile = LibraryReference.HELDOUT_MASKS.resolve(LibraryReference.HELDOUT.relativize(image));
            assertTrue(Files.exists(maskFile), "every held-out picture has a mask: " + maskFile);
            BufferedImage original = library.load(image).original();
            Localisation expected = Localisation.of(map, maskOf(maskFile, original.getWidth(), original.getHeight()));
            if (expected.defined()) {
                measured++;
                assertEquals(expected.onObjectShare(), m.getDouble(m.fieldIndex("on_object")), 1e-9, image.toString());
                assertEquals(expected.pointingHit(), m.getBoolean(m.fieldIndex("pointing_hit")), image.toString());
                assertEquals(expected.iou(), m.getDouble(m.fieldIndex("iou")), 1e-9, image.toString());
            } else {
                assertTrue(m.isNullAt(m.fieldIndex("on_object")), image.toString());
            }
        }
        assertTrue(measured > 50, "most maps show something to measure, got " + measured);
    }

    /** The mask as gradcam audit's --masks reads it, written out here: any non-zero channel is object. */
    private static ObjectMask maskOf(Path file, int width, int height) throws IOException {
        float[] px = ImageLoader.load(file, new ImageLoader.Options(height, width, 3, ImageLoader.Interpolation.NEAREST,
                false, ImageLoader.DEFAULT_MAX_PIXELS)).pixels().data();
        boolean[] inside = new boolean[width * height];
        for (int i = 0; i < inside.length; i++) {
            inside[i] = px[3 * i] != 0 || px[3 * i + 1] != 0 || px[3 * i + 2] != 0;
        }
        return ObjectMask.of(width, height, inside);
    }

    @Test
    void badImagesGiveErrorRowsAndTheOthersGoOn(@TempDir Path dir) throws IOException {
        Path good = LibraryReference.HELDOUT.resolve("star/000.png");
        byte[] png = Files.readAllBytes(good);
        Files.write(dir.resolve("a-good.png"), png);
        Files.write(dir.resolve("b-truncated.png"), Arrays.copyOf(png, png.length / 2));
        Files.writeString(dir.resolve("c-text.png"), "not an image at all");
        Files.write(dir.resolve("d-empty.png"), new byte[0]);
        byte[] crc = png.clone();
        crc[40] ^= 0x55;   // inside the first chunk after IHDR: its CRC no longer matches
        Files.write(dir.resolve("e-crc.png"), crc);
        BufferedImage gif = ImageIO.read(good.toFile());
        ImageIO.write(gif, "gif", dir.resolve("f-gif.png").toFile());
        Files.write(dir.resolve("g-good.png"), png);

        // rows made here rather than by the binaryFile source, which skips empty files
        List<Row> input = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                input.add(RowFactory.create(f.toUri().toString(), Files.readAllBytes(f)));
            }
        }
        input.add(RowFactory.create(dir.resolve("h-null.png").toUri().toString(), null));
        StructType schema = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType);
        List<Row> rows = demoTransformer().setBatchSize(4).transform(spark.createDataFrame(input, schema))
                .select("path", "gradcam").collectAsList();
        assertEquals(8, rows.size());
        Map<String, Row> byName = new HashMap<>();
        rows.forEach(r -> byName.put(pathOf(r).getFileName().toString(), result(r)));
        Explanation e = library.explain(good, "gradcam", List.of(), ScoreKind.LOGIT);
        for (String ok : List.of("a-good.png", "g-good.png")) {
            Row r = byName.get(ok);
            assertNull(r.get(r.fieldIndex("error")), ok);
            assertSameMap(e.maps().get(0), maps(r).get(0), ok);
        }
        Map<String, String> kinds = Map.of("b-truncated.png", "damaged-input", "c-text.png", "damaged-input",
                "d-empty.png", "damaged-input", "e-crc.png", "damaged-input", "f-gif.png", "unsupported",
                "h-null.png", "damaged-input");
        kinds.forEach((name, kind) -> {
            Row r = byName.get(name);
            assertNotNull(r.get(r.fieldIndex("error")), name + " has an error");
            assertTrue(r.getString(r.fieldIndex("error")).contains(name), name + ": the message names the file: "
                    + r.getString(r.fieldIndex("error")));
            assertEquals(kind, r.getString(r.fieldIndex("error_kind")), name + ": " + r.getString(r.fieldIndex("error")));
            assertTrue(r.isNullAt(r.fieldIndex("maps")), name);
        });
    }

    @Test
    void theImageSourceGivesTheSameRowsAsTheFileBytes() {
        Path folder = LibraryReference.HELDOUT.resolve("triangle");
        Map<String, Row> fromBytes = new HashMap<>();
        demoTransformer().transform(binaryFiles(folder)).select("path", "gradcam").collectAsList()
                .forEach(r -> fromBytes.put(pathOf(r).toString(), result(r)));
        List<Row> fromStructs = demoTransformer().setInputCol("image")
                .transform(spark.read().format("image").load(folder.toString())).collectAsList();
        assertEquals(fromBytes.size(), fromStructs.size());
        for (Row row : fromStructs) {
            Row image = row.getStruct(row.fieldIndex("image"));
            String origin = Path.of(URI.create(image.getString(image.fieldIndex("origin")))).toString();
            Row r = result(row);
            Row expected = fromBytes.get(origin);
            assertNotNull(expected, origin);
            assertEquals(expected.getInt(expected.fieldIndex("predicted_index")), r.getInt(r.fieldIndex("predicted_index")));
            assertEquals(maps(expected).get(0).getList(3), maps(r).get(0).getList(3), origin);   // the raw map, bit for bit
        }
    }

    @Test
    void topKAndLabelColumnExplainTheClassesTheyName() throws IOException {
        Path image = LibraryReference.HELDOUT.resolve("cross/003.png");
        StructType schema = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType)
                .add("truth", DataTypes.StringType);
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(image.toString(), Files.readAllBytes(image),
                "square")), schema);
        Explanation top = library.explain(image, "gradcam", List.of(), ScoreKind.LOGIT);
        int[] ranking = top.ranking();
        Row r = result(demoTransformer().setClasses("top:3").setScoreKind("probability").transform(df).first());
        Explanation expected = library.explain(image, "gradcam", List.of(ranking[0], ranking[1], ranking[2]),
                ScoreKind.PROBABILITY);
        assertEquals(3, maps(r).size());
        for (int k = 0; k < 3; k++) {
            assertSameMap(expected.maps().get(k), maps(r).get(k), "top " + k);
        }
        Row truth = result(demoTransformer().setLabelCol("truth").transform(df).first());
        assertSameMap(library.explain(image, "gradcam", List.of(1), ScoreKind.LOGIT).maps().get(0), maps(truth).get(0),
                "true class square (1)");
        Row fixed = result(demoTransformer().setClasses("star,0").setMethod("gradcam++").transform(df).first());
        Explanation plusPlus = library.explain(image, "gradcam++", List.of(3, 0), ScoreKind.LOGIT);
        assertSameMap(plusPlus.maps().get(0), maps(fixed).get(0), "gradcam++ star");
        assertSameMap(plusPlus.maps().get(1), maps(fixed).get(1), "gradcam++ circle");
    }

    @Test
    void overlayIsTheLibrarysOverlayOfTheMap() throws IOException {
        Path image = LibraryReference.HELDOUT.resolve("circle/005.png");
        Row r = result(demoTransformer().setOverlay(true).transform(binaryFiles(image.getParent())
                .filter("path like '%/005.png'")).first());
        BufferedImage got = ImageIO.read(new ByteArrayInputStream((byte[]) maps(r).get(0).get(10)));
        Explanation e = library.explain(image, "gradcam", List.of(), ScoreKind.LOGIT);
        BufferedImage expected = Overlay.overlay(library.load(image).original(), e.maps().get(0), Colormap.JET, 0.4f);
        assertEquals(128, got.getWidth());
        int differing = 0;
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                // maps equal within 1e-6 can round one colour step apart; count the pixels that differ
                int a = got.getRGB(x, y);
                int b = expected.getRGB(x, y);
                for (int s = 0; s < 24; s += 8) {
                    int d = Math.abs(((a >> s) & 0xff) - ((b >> s) & 0xff));
                    assertTrue(d <= 1, "pixel " + x + "," + y);
                    differing += d;
                }
            }
        }
        assertTrue(differing < 50, "overlay pixels off by one step: " + differing);
    }

    @Test
    void aSavedPipelineReloadsAndGivesTheSameRows(@TempDir Path dir) throws IOException {
        Dataset<Row> images = binaryFiles(LibraryReference.HELDOUT.resolve("square"));
        GradCamTransformer stage = demoTransformer().setMethod("layercam").setClasses("top:2").setBatchSize(5);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {stage}).fit(images);
        List<Row> before = fitted.transform(images).orderBy("path").select("path", "gradcam").collectAsList();
        String saved = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        GradCamTransformer reloaded = (GradCamTransformer) loaded.stages()[0];
        assertEquals("layercam", reloaded.getOrDefault(reloaded.method()));
        assertEquals(5, reloaded.getOrDefault(reloaded.batchSize()));
        assertEquals(stage.uid(), reloaded.uid());
        List<Row> after = loaded.transform(images).orderBy("path").select("path", "gradcam").collectAsList();
        assertEquals(40, before.size());
        assertEquals(before, after);
    }
}
