package io.gradcam4j.spark;

import io.gradcam4j.engine.errors.InvalidRequestException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of {@link AuditJob}: {@code --name value} pairs, every name known, the
 * required ones present. (No picocli here: the job's jar stays gradcam4j and Spark.)
 */
record AuditArguments(String model, String weights, String labels, String preprocess, String images, String masks,
                      String out, String format, String master, String method, String layer, boolean trueClasses,
                      String score, int batchSize) {

    static final String USAGE = String.join("\n",
            "usage: AuditJob --model M --images PATH --out PATH [--masks PATH] [--format parquet|json]",
            "                [--master URL] [--method gradcam] [--layer auto|NAME[,NAME]] [--classes predicted|true]",
            "                [--score logit|probability] [--batch-size 16] [--labels FILE] [--weights none|FILE.h5]",
            "                [--preprocess caffe|tf|torch|none]",
            "  --model    a Keras .h5/.keras file, a demo model's record (demo.json) or an application name,",
            "             on a path every executor sees (or shipped with spark-submit --files)",
            "  --images   a folder of JPEG/PNG images, searched recursively; a class subfolder gives the true class",
            "  --masks    object masks: a PNG per image at the same relative path (or the same stem), non-zero = object",
            "  --out      writes OUT/images (one row per image, --format, default parquet) and OUT/summary.json",
            "  --master   the Spark master when not run by spark-submit (e.g. local[2], spark://host:7077)");

    private static final List<String> NAMES = List.of("model", "weights", "labels", "preprocess", "images", "masks",
            "out", "format", "master", "method", "layer", "classes", "score", "batch-size");

    static AuditArguments parse(String[] args) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !NAMES.contains(a.substring(2))) {
                throw new InvalidRequestException("unknown option " + a + "\n" + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new InvalidRequestException(a + " needs a value\n" + USAGE);
            }
            v.put(a.substring(2), args[++i]);
        }
        for (String required : List.of("model", "images", "out")) {
            if (!v.containsKey(required)) {
                throw new InvalidRequestException("--" + required + " is required\n" + USAGE);
            }
        }
        String format = v.getOrDefault("format", "parquet").toLowerCase(Locale.ROOT);
        if (!format.equals("parquet") && !format.equals("json")) {
            throw new InvalidRequestException("--format must be parquet or json, not " + format);
        }
        String classes = v.getOrDefault("classes", "predicted").toLowerCase(Locale.ROOT);
        if (!classes.equals("predicted") && !classes.equals("true")) {
            throw new InvalidRequestException("--classes must be predicted or true, not " + classes);
        }
        int batch;
        try {
            batch = Integer.parseInt(v.getOrDefault("batch-size", "16"));
        } catch (NumberFormatException e) {
            batch = 0;
        }
        if (batch < 1 || batch > 4096) {
            throw new InvalidRequestException("--batch-size must be a whole number in 1..4096, not " + v.get("batch-size"));
        }
        return new AuditArguments(v.get("model"), v.get("weights"), v.get("labels"), v.get("preprocess"),
                v.get("images"), v.get("masks"), v.get("out"), format, v.get("master"),
                v.getOrDefault("method", "gradcam"), v.getOrDefault("layer", "auto"), classes.equals("true"),
                v.getOrDefault("score", "logit"), batch);
    }
}
