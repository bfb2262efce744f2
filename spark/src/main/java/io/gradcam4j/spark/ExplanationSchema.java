package io.gradcam4j.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The type of the transformer's output column, one struct per row:
 * <pre>
 * predictions      array of (index, label, probability), the five most probable classes
 * predicted_index, predicted_label, confidence   the most probable class and its probability
 * layer            the layer(s) the maps were taken at (comma-separated), null for input-space methods
 * maps             one per explained class: class_index, label, score (the explained logit or
 *                  probability), cam (the raw map, row-major) with cam_shape (its H, W), status
 *                  (ok, zero-gradient, no-positive-evidence, flat-map), and with a mask on_object,
 *                  pointing_hit, iou (null when the map shows nothing) and object_note; overlay
 *                  (PNG bytes) when asked
 * error, error_kind   why the row has no explanation (every other field null), as the CLI's JSON says
 * </pre>
 */
final class ExplanationSchema {

    private ExplanationSchema() {
    }

    static final StructType PREDICTION = new StructType(new StructField[] {
            DataTypes.createStructField("index", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("probability", DataTypes.FloatType, false)});

    static final StructType MAP = new StructType(new StructField[] {
            DataTypes.createStructField("class_index", DataTypes.IntegerType, false),
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("score", DataTypes.FloatType, false),
            DataTypes.createStructField("cam", DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField("cam_shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField("on_object", DataTypes.DoubleType, true),
            DataTypes.createStructField("pointing_hit", DataTypes.BooleanType, true),
            DataTypes.createStructField("iou", DataTypes.DoubleType, true),
            DataTypes.createStructField("object_note", DataTypes.StringType, true),
            DataTypes.createStructField("overlay", DataTypes.BinaryType, true)});

    static final StructType RESULT = new StructType(new StructField[] {
            DataTypes.createStructField("predictions", DataTypes.createArrayType(PREDICTION, false), true),
            DataTypes.createStructField("predicted_index", DataTypes.IntegerType, true),
            DataTypes.createStructField("predicted_label", DataTypes.StringType, true),
            DataTypes.createStructField("confidence", DataTypes.FloatType, true),
            DataTypes.createStructField("layer", DataTypes.StringType, true),
            DataTypes.createStructField("maps", DataTypes.createArrayType(MAP, false), true),
            DataTypes.createStructField("error", DataTypes.StringType, true),
            DataTypes.createStructField("error_kind", DataTypes.StringType, true)});

    /** The predictions shown per row, as the command line's JSON report shows its top 5. */
    static final int TOP = 5;
}
