package io.gradcam4j.spark;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.audit.AuditSummary;
import io.gradcam4j.cam.audit.ClassFolders;
import io.gradcam4j.cam.audit.ImageAudit;
import io.gradcam4j.cam.metrics.Localisation;
import io.gradcam4j.engine.errors.Gradcam4jException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.substring_index;

/**
 * {@code gradcam audit} on Spark: every image of a collection explained by
 * {@link GradCamTransformer}, measured against its mask, and the verdict computed by the same
 * library class as the command line's ({@link AuditSummary}). Writes {@code OUT/images} (one row
 * per image: {@code image}, {@code true_label}, {@code predicted_label}, {@code confidence},
 * {@code cam}, {@code status}, {@code on_object}, ... and {@code error}) in Parquet or JSON, and
 * {@code OUT/summary.json}. Runs under {@code spark-submit} (the master from its conf) or
 * in-process with {@code --master}.
 */
public final class AuditJob {

    private AuditJob() {
    }

    /** What one run found: the summary and the failed images with their errors. */
    public record Result(AuditSummary summary, Map<String, String> failures, ObjectNode json) {
    }

    public static void main(String[] args) throws IOException {
        AuditArguments a;
        try {
            a = AuditArguments.parse(args);
        } catch (Gradcam4jException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("gradcam4j audit");
        if (a.master() != null) {
            builder.master(a.master());
        }
        SparkSession spark = builder.getOrCreate();
        try {
            Result r = run(spark, a);
            printHeadline(System.out, r);
            System.exit(r.failures().isEmpty() ? 0 : 1);
        } catch (Gradcam4jException e) {
            System.err.println("gradcam-spark audit: " + e.getMessage());
            System.exit(e.kind() == Gradcam4jException.Kind.INVALID_REQUEST ? 2 : 1);
        } finally {
            spark.stop();
        }
    }

    /** The audit on {@code spark}: the image table written, then the summary from the written table. */
    public static Result run(SparkSession spark, AuditArguments a) throws IOException {
        long started = System.nanoTime();
        ModelSpec spec = ModelSpec.resolve(a.model(), a.weights(), a.labels(), a.preprocess());
        ExplainerModel model = ExecutorModels.get(spec);
        List<String> classNames = model.classNames();
        String root = qualified(spark, a.images());
        Dataset<Row> images = withRelativeName(imageFiles(spark, a.images(), "*"), root);
        registerClassUdfs(spark, classNames);
        images = images.withColumn("true_index", callUDF("gradcam4j_true_index", col("image")));
        if (a.masks() != null) {
            images = withMasks(spark, images, a.masks());
        }
        GradCamTransformer explainer = new GradCamTransformer().setModelPath(a.model()).setMethod(a.method())
                .setLayer(a.layer()).setScoreKind(a.score()).setBatchSize(a.batchSize()).setOutputCol("gradcam");
        optional(a.weights(), explainer::setWeights);
        optional(a.labels(), explainer::setLabelsPath);
        optional(a.preprocess(), explainer::setPreprocess);
        if (a.masks() != null) {
            explainer.setMaskCol("mask");
        }
        if (a.trueClasses()) {
            explainer.setLabelCol("true_index");
        }
        String table = a.out().replaceAll("/+$", "") + "/images";
        Dataset<Row> perImage = imageTable(explainer.transform(images));
        perImage.write().mode(SaveMode.Overwrite).format(a.format()).save(table);

        // The summary from the table as written (read with its own schema: JSON would widen ints to
        // longs): no second pass over the images, nothing cached.
        List<Row> narrow = spark.read().format(a.format()).schema(perImage.schema()).load(table).select("image", "true_index", "predicted_index",
                "confidence", "explained_index", "status", "on_object", "pointing_hit", "iou", "object_note", "error",
                "error_kind", "layer").collectAsList();
        List<ImageAudit> audits = new ArrayList<>();
        Map<String, String> failures = new java.util.TreeMap<>();
        for (Row r : narrow) {
            if (!r.isNullAt(10)) {
                failures.put(r.getString(0), r.getString(10));
            } else {
                audits.add(audit(r));
            }
        }
        AuditSummary summary = AuditSummary.of(audits, failures.size(), classNames);
        ObjectNode json = report(spark, a, spec, model, summary, failures, narrow, started);
        writeText(spark, a.out().replaceAll("/+$", "") + "/summary.json",
                SummaryJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        return new Result(summary, failures, json);
    }

    /** The images under {@code folder} (searched recursively) as the binaryFile source reads them: path, content. */
    static Dataset<Row> imageFiles(SparkSession spark, String folder, String glob) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", glob).load(folder);
        Column name = lower(col("path"));
        // the extensions gradcam audit reads (ImageInputs): JPEG and PNG
        return files.filter(name.endsWith(".png").or(name.endsWith(".jpg")).or(name.endsWith(".jpeg")))
                .select("path", "content");
    }

    /** Adds {@code image}: the path relative to the collection's root, with / separators, as gradcam audit names images. */
    private static Dataset<Row> withRelativeName(Dataset<Row> files, String root) {
        return files.withColumn("image", col("path").substr(root.length() + 2, Integer.MAX_VALUE));
    }

    /**
     * Adds {@code mask}: the bytes of the mask PNG at the image's relative path under the masks
     * folder, or of the one with the image's file stem directly in it (gradcam audit's rule).
     */
    private static Dataset<Row> withMasks(SparkSession spark, Dataset<Row> images, String masksFolder) {
        String root = qualified(spark, masksFolder);
        Dataset<Row> masks = withRelativeName(imageFiles(spark, masksFolder, "*.png"), root)
                .select(regexp_replace(col("image"), "\\.[^./]*$", "").as("mask_key"), col("content").as("mask_bytes"));
        Column stem = regexp_replace(col("image"), "\\.[^./]*$", "");
        Dataset<Row> withStem = images.withColumn("stem", stem)
                .withColumn("base_stem", substring_index(stem, "/", -1));
        Dataset<Row> byPath = masks.toDF("path_key", "path_mask");
        Dataset<Row> byStem = masks.toDF("stem_key", "stem_mask");
        return withStem.join(byPath, withStem.col("stem").equalTo(byPath.col("path_key")), "left")
                .join(byStem, withStem.col("base_stem").equalTo(byStem.col("stem_key")), "left")
                .withColumn("mask", coalesce(col("path_mask"), col("stem_mask")))
                .drop("stem", "base_stem", "path_key", "path_mask", "stem_key", "stem_mask");
    }

    /** The per-image table, one row per image (the first explained map's figures). */
    private static Dataset<Row> imageTable(Dataset<Row> explained) {
        Column first = col("gradcam.maps").getItem(0);
        return explained.select(col("image"), col("true_index"),
                callUDF("gradcam4j_label", col("true_index")).as("true_label"),
                col("gradcam.predicted_index").as("predicted_index"),
                col("gradcam.predicted_label").as("predicted_label"),
                col("gradcam.confidence").cast(DataTypes.DoubleType).as("confidence"),
                first.getField("class_index").as("explained_index"),
                first.getField("cam").as("cam"), first.getField("cam_shape").as("cam_shape"),
                first.getField("status").as("status"), first.getField("on_object").as("on_object"),
                first.getField("pointing_hit").as("pointing_hit"), first.getField("iou").as("iou"),
                first.getField("object_note").as("object_note"), col("gradcam.layer").as("layer"),
                col("gradcam.error").as("error"), col("gradcam.error_kind").as("error_kind"));
    }

    /** The true class of a relative name (its first folder) and a class's label, as SQL functions. */
    private static void registerClassUdfs(SparkSession spark, List<String> classNames) {
        List<String> names = List.copyOf(classNames);
        spark.udf().register("gradcam4j_true_index",
                (UDF1<String, Integer>) image -> new ClassFolders(names.size(), names::get).classOfPath(image),
                DataTypes.IntegerType);
        spark.udf().register("gradcam4j_label",
                (UDF1<Integer, String>) index -> index == null ? null : names.get(index), DataTypes.StringType);
    }

    /** One image's record for the summary, from its row of the table. */
    private static ImageAudit audit(Row r) {
        Localisation loc = r.isNullAt(6) ? null
                : new Localisation(true, r.getDouble(6), r.getBoolean(7), r.getDouble(8), -1, -1);
        return new ImageAudit(r.getString(0), r.isNullAt(1) ? null : r.getInt(1), r.getInt(2), r.getDouble(3),
                r.getInt(4), CamStatus.fromJson(r.getString(5)), loc, r.getString(9), Map.of(), 0, 0);
    }

    private static ObjectNode report(SparkSession spark, AuditArguments a, ModelSpec spec, ExplainerModel model,
                                     AuditSummary summary, Map<String, String> failures, List<Row> rows,
                                     long started) {
        ObjectNode report = SummaryJson.JSON.createObjectNode();
        ObjectNode p = report.putObject("provenance");
        p.put("model", a.model());
        p.put("model_sha256", spec.sha256());
        p.put("images", a.images());
        p.put("masks", a.masks());
        p.put("method", a.method());
        p.put("layer", rows.stream().filter(r -> !r.isNullAt(12)).findFirst().map(r -> r.getString(12)).orElse(null));
        p.put("score", a.score().toLowerCase(Locale.ROOT));
        p.put("classes", a.trueClasses() ? "true" : "predicted");
        p.put("iou_threshold", Localisation.IOU_THRESHOLD);
        p.put("spark", spark.version());
        p.put("master", spark.sparkContext().master());
        p.put("default_parallelism", spark.sparkContext().defaultParallelism());
        report.set("summary", SummaryJson.of(summary));
        ArrayNode failed = report.putArray("failures");
        rows.stream().filter(r -> !r.isNullAt(10)).forEach(r -> failed.addObject().put("image", r.getString(0))
                .put("error", r.getString(10)).put("kind", r.getString(11)));
        double seconds = (System.nanoTime() - started) / 1e9;
        report.putObject("timing").put("images", rows.size()).put("seconds", seconds)
                .put("images_per_second", rows.size() / Math.max(seconds, 1e-9));
        return report;
    }

    private static void printHeadline(PrintStream out, Result r) {
        AuditSummary s = r.summary();
        out.printf(Locale.ROOT, "%d images audited, %d failed%n", s.images(), s.failed());
        if (s.accuracy() != null) {
            out.printf(Locale.ROOT, "  accuracy %.1f %% (%d with a true class)%n", 100 * s.accuracy(), s.labelled());
        }
        if (s.meanOnObject() != null) {
            out.printf(Locale.ROOT, "  mean on-object share %.3f, pointing game %.1f %%, mean IoU %.3f (%d images "
                    + "with an object)%n", s.meanOnObject(), 100 * s.pointingGame(), s.meanIou(), s.located());
        }
        for (AuditSummary.ClassRow c : s.perClass()) {
            out.printf(Locale.ROOT, "  %-16s %4d images  accuracy %5.1f %%  on-object %s%n", c.name(), c.images(),
                    100 * c.accuracy(), c.meanOnObject() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                            c.meanOnObject()));
        }
        r.failures().forEach((image, error) -> System.err.println("  failed: " + image + ": " + error));
        out.printf(Locale.ROOT, "  %.1f s (%.1f images/s)%n", r.json().path("timing").path("seconds").asDouble(),
                r.json().path("timing").path("images_per_second").asDouble());
    }

    /** A folder as Spark's file sources write its files' paths ({@code file:/abs/dir}, {@code hdfs://...}). */
    private static String qualified(SparkSession spark, String folder) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(folder);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            return fs.makeQualified(p).toString().replaceAll("/+$", "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes a small text file through Hadoop's file system (a local folder, HDFS, S3 alike). */
    private static void writeText(SparkSession spark, String file, String text) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (var out = fs.create(p, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void optional(String value, java.util.function.Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
