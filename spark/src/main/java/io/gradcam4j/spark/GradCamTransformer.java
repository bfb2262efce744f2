package io.gradcam4j.spark;

import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.ExplanationMethod;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.errors.InvalidRequestException;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Spark ML stage that explains each row's image with one of gradcam4j's methods and appends the
 * result struct ({@link ExplanationSchema}): predictions, the raw map with its shape and status,
 * on-object figures against a mask column, the overlay PNG, or the row's error. Writable and
 * readable like any Spark ML stage ({@code save}/{@code load}, inside a saved {@code Pipeline}).
 *
 * <p>The library does the work exactly as {@code gradcam explain} does it; the model is loaded
 * once per executor JVM ({@link ExecutorModels}) and each partition runs in batches of
 * {@code batchSize} images ({@link PartitionExplainer}).
 */
public final class GradCamTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;

    private final Param<String> modelPath;
    private final Param<String> weights;
    private final Param<String> labelsPath;
    private final Param<String> preprocess;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> method;
    private final Param<String> layer;
    private final Param<String> classes;
    private final Param<String> labelCol;
    private final Param<String> scoreKind;
    private final IntParam batchSize;
    private final Param<String> maskCol;
    private final BooleanParam overlay;

    public GradCamTransformer() {
        this(Identifiable.randomUID("gradcam"));
    }

    /** The constructor Spark's reader calls with the saved stage's uid. */
    public GradCamTransformer(String uid) {
        this.uid = uid;
        // created here, not where they are declared: a parameter takes its owner's uid, set just above
        modelPath = new Param<>(this, "modelPath",
                "a Keras .h5 or .keras file, a demo model's JSON record (demo.json), or a keras.applications name; "
                        + "a path every executor sees, or shipped with --files");
        weights = new Param<>(this, "weights",
                "for an application name: its weights file (keras.applications layout) or none (seeded values)");
        labelsPath = new Param<>(this, "labelsPath",
                "class names: one per line, or a Keras class index JSON (default: the model's own, or indices)");
        preprocess = new Param<>(this, "preprocess",
                "caffe, tf, torch or none (default: the application's own, none for files)");
        inputCol = new Param<>(this, "inputCol",
                "the image: binary file content (the binaryFile source's content) or the image source's struct");
        outputCol = new Param<>(this, "outputCol", "the result struct's column");
        method = new Param<>(this, "method", "the explanation method: " + Methods.names());
        layer = new Param<>(this, "layer",
                "the layer(s) of a CAM method, comma-separated, or auto (the model's last spatial layer)");
        classes = new Param<>(this, "classes",
                "predicted, top:K, or classes by index or label (comma-separated)");
        labelCol = new Param<>(this, "labelCol",
                "a column of true classes (index or label): each image's own class is explained");
        scoreKind = new Param<>(this, "scoreKind", "logit or probability");
        batchSize = new IntParam(this, "batchSize", "images per forward pass (and per "
                + "batch of perturbed inputs)", ParamValidators.inRange(1, 4096));
        maskCol = new Param<>(this, "maskCol",
                "a column of object mask image bytes (non-zero = object; null = no mask) for on-object figures");
        overlay = new BooleanParam(this, "overlay", "add the overlay PNG of each map");
        setDefault(inputCol, "content");
        setDefault(outputCol, "gradcam");
        setDefault(method, "gradcam");
        setDefault(layer, "auto");
        setDefault(classes, ClassRequest.PREDICTED);
        setDefault(scoreKind, "logit");
        setDefault(batchSize, 16);
        setDefault(overlay, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    // The parameters: Spark finds them through these public no-argument methods.
    public Param<String> modelPath() { return modelPath; }
    public Param<String> weights() { return weights; }
    public Param<String> labelsPath() { return labelsPath; }
    public Param<String> preprocess() { return preprocess; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> method() { return method; }
    public Param<String> layer() { return layer; }
    public Param<String> classes() { return classes; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> scoreKind() { return scoreKind; }
    public IntParam batchSize() { return batchSize; }
    public Param<String> maskCol() { return maskCol; }
    public BooleanParam overlay() { return overlay; }

    public GradCamTransformer setModelPath(String v) { set(modelPath, v); return this; }
    public GradCamTransformer setWeights(String v) { set(weights, v); return this; }
    public GradCamTransformer setLabelsPath(String v) { set(labelsPath, v); return this; }
    public GradCamTransformer setPreprocess(String v) { set(preprocess, v); return this; }
    public GradCamTransformer setInputCol(String v) { set(inputCol, v); return this; }
    public GradCamTransformer setOutputCol(String v) { set(outputCol, v); return this; }
    public GradCamTransformer setMethod(String v) { set(method, v); return this; }
    public GradCamTransformer setLayer(String v) { set(layer, v); return this; }
    public GradCamTransformer setClasses(String v) { set(classes, v); return this; }
    public GradCamTransformer setLabelCol(String v) { set(labelCol, v); return this; }
    public GradCamTransformer setScoreKind(String v) { set(scoreKind, v); return this; }
    public GradCamTransformer setBatchSize(int v) { set(batchSize, v); return this; }
    public GradCamTransformer setMaskCol(String v) { set(maskCol, v); return this; }
    public GradCamTransformer setOverlay(boolean v) { set(overlay, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        DataType input = column(schema, $(inputCol), "inputCol").dataType();
        if (!(input instanceof BinaryType) && !isImageStruct(input)) {
            throw new InvalidRequestException("inputCol " + $(inputCol) + " is " + input.simpleString()
                    + "; give the binaryFile source's content (binary) or the image source's struct");
        }
        if (isDefined(maskCol) && !(column(schema, $(maskCol), "maskCol").dataType() instanceof BinaryType)) {
            throw new InvalidRequestException("maskCol " + $(maskCol) + " must hold the mask files' bytes (binary)");
        }
        if (isDefined(labelCol)) {
            DataType t = column(schema, $(labelCol), "labelCol").dataType();
            if (!(t instanceof NumericType) && !(t instanceof StringType)) {
                throw new InvalidRequestException("labelCol " + $(labelCol) + " must hold class indices or labels, not "
                        + t.simpleString());
            }
        }
        if (Arrays.asList(schema.fieldNames()).contains($(outputCol))) {
            throw new InvalidRequestException("outputCol " + $(outputCol) + " is already a column");
        }
        return schema.add($(outputCol), ExplanationSchema.RESULT, false);
    }

    /**
     * Checks the request on the driver (which loads the model once to do so: an unknown layer,
     * method or class fails here, not in every row), then explains the partitions.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        StructType in = dataset.schema();
        try {
            ModelSpec spec = ModelSpec.resolve($(modelPath), optional(weights), optional(labelsPath),
                    optional(preprocess));
            ExplainerModel model = ExecutorModels.get(spec);
            ExplanationMethod explainer = Methods.byName($(method));
            ClassRequest request = ClassRequest.parse($(classes));
            request.fixed().forEach(c -> ClassRequest.indexOf(model, c));
            boolean struct = isImageStruct(in.apply($(inputCol)).dataType());
            int pathColumn = !struct && Arrays.asList(in.fieldNames()).contains("path") ? in.fieldIndex("path") : -1;
            ExplainSettings settings = new ExplainSettings(spec, $(method), layers(model, explainer), request,
                    score(), (Integer) $(batchSize), (Boolean) $(overlay),
                    new ImageInput(in.fieldIndex($(inputCol)), struct, pathColumn),
                    isDefined(maskCol) ? in.fieldIndex($(maskCol)) : -1,
                    isDefined(labelCol) ? in.fieldIndex($(labelCol)) : -1);
            return dataset.toDF().mapPartitions(new PartitionExplainer(settings), Encoders.row(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public GradCamTransformer copy(ParamMap extra) {
        return (GradCamTransformer) defaultCopy(extra);
    }

    /** Loads a saved stage (Spark ML's reader: the class's static {@code read()}). */
    public static MLReader<GradCamTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static GradCamTransformer load(String path) {
        return read().load(path);
    }

    /** {@code auto}: the model's default Grad-CAM layer; none for an input-space method. */
    private List<String> layers(ExplainerModel model, ExplanationMethod explainer) {
        if (!explainer.usesLayer()) {
            return List.of();
        }
        String l = $(layer).strip();
        if (l.equalsIgnoreCase("auto")) {
            return List.of(model.defaultLayer());
        }
        List<String> names = Arrays.stream(l.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        names.forEach(name -> model.graph().node(name));   // an unknown name lists the valid ones
        return names;
    }

    private ScoreKind score() {
        return switch ($(scoreKind).strip().toLowerCase(Locale.ROOT)) {
            case "logit" -> ScoreKind.LOGIT;
            case "probability" -> ScoreKind.PROBABILITY;
            default -> throw new InvalidRequestException("scoreKind must be logit or probability, not " + $(scoreKind));
        };
    }

    private String optional(Param<String> p) {
        return isDefined(p) ? $(p) : null;
    }

    private static StructField column(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidRequestException(param + " " + name + " is not a column; the columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /** The image source's struct: origin, height, width, nChannels, mode, data. */
    private static boolean isImageStruct(DataType t) {
        return t instanceof StructType s && Arrays.asList(s.fieldNames()).containsAll(
                List.of("height", "width", "nChannels", "data"));
    }
}
