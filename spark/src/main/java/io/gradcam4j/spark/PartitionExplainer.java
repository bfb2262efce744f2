package io.gradcam4j.spark;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.audit.MaskImage;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cam.methods.ExplanationMethod;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.metrics.Localisation;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.ErrorReport;
import io.gradcam4j.engine.errors.InvalidRequestException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Explains one partition in mini-batches of {@code batchSize} rows, each row given back with the
 * result struct ({@link ExplanationSchema}) appended. The model comes from {@link ExecutorModels}
 * (loaded once per JVM); rows are read lazily, a batch at a time, so a partition of any size
 * holds one batch of images in memory. A row that cannot be read, or whose explanation fails,
 * gets an error and the others go on: a failing batch is retried image by image, as
 * {@code gradcam audit} does.
 */
final class PartitionExplainer implements MapPartitionsFunction<Row, Row> {
    private static final float OVERLAY_ALPHA = 0.4f;   // the command line's default --alpha

    private final ExplainSettings settings;

    PartitionExplainer(ExplainSettings settings) {
        this.settings = settings;
    }

    /** One decoded image of a batch: its place in the batch, its picture, its model input, its true class. */
    private record Item(int slot, BufferedImage original, Tensor x, Integer truth) {
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws IOException {
        EngineThreads.fitToTask();
        ExplainerModel model = ExecutorModels.get(settings.model());
        ExplanationMethod method = Methods.byName(settings.method());
        return new Iterator<>() {
            private Iterator<Row> batch = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                if (!batch.hasNext() && rows.hasNext()) {
                    List<Row> in = new ArrayList<>();
                    while (rows.hasNext() && in.size() < settings.batchSize()) {
                        in.add(rows.next());
                    }
                    batch = explainBatch(model, method, in).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
    }

    /** The rows of one batch, each with its result. */
    List<Row> explainBatch(ExplainerModel model, ExplanationMethod method, List<Row> rows) {
        Row[] results = new Row[rows.size()];
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            try {
                ImageLoader.LoadedImage img = settings.input().load(rows.get(i), model.imageOptions());
                items.add(new Item(i, img.original(), model.preprocess(img.pixels()), truth(model, rows.get(i))));
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                results[i] = failed(e);
            }
        }
        explain(model, method, rows, items, results);
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(withResult(rows.get(i), results[i]));
        }
        return out;
    }

    /** The items at once; when that fails, one by one, so that one bad image fails alone. */
    private void explain(ExplainerModel model, ExplanationMethod method, List<Row> rows, List<Item> items,
                         Row[] results) {
        if (items.isEmpty()) {
            return;
        }
        try {
            ExplainRequest request = new ExplainRequest(settings.layers(),
                    (i, p) -> settings.classes().choose(model, p, items.get(i).truth()), settings.scoreKind(),
                    MethodOptions.builder().batchSize(settings.batchSize()).build(), model::preprocess,
                    ExplainRequest.Progress.NONE);
            List<Explanation> es = method.explain(model.graph(), Tensor.stack(items.stream().map(Item::x).toList()),
                    request);
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                results[item.slot()] = explained(model, rows.get(item.slot()), item, es.get(i));
            }
            return;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            if (items.size() == 1) {
                results[items.get(0).slot()] = failed(e);
                return;
            }
        }
        for (Item item : items) {
            explain(model, method, rows, List.of(item), results);
        }
    }

    /** The row's true class from the label column (an index or a label), or null without one. */
    private Integer truth(ExplainerModel model, Row row) {
        int c = settings.labelColumn();
        if (c < 0 || row.isNullAt(c)) {
            return null;
        }
        Object v = row.get(c);
        if (v instanceof Number n) {
            long index = n.longValue();
            if (index < 0 || index >= model.classCount()) {
                throw new InvalidRequestException("true class " + index + " is not one of the model's "
                        + model.classCount() + " classes");
            }
            return (int) index;
        }
        return ClassRequest.indexOf(model, v.toString());
    }

    private Row explained(ExplainerModel model, Row row, Item item, Explanation e) {
        float[] p = e.probabilities();
        int[] ranking = e.ranking();
        List<Row> predictions = new ArrayList<>();
        for (int k = 0; k < Math.min(ExplanationSchema.TOP, ranking.length); k++) {
            predictions.add(RowFactory.create(ranking[k], model.label(ranking[k]), p[ranking[k]]));
        }
        int predicted = 0;   // the first of equal maxima, as gradcam audit picks it
        for (int c = 1; c < p.length; c++) {
            predicted = p[c] > p[predicted] ? c : predicted;
        }
        List<Row> maps = new ArrayList<>();
        for (ClassMap map : e.maps()) {
            maps.add(mapRow(model, row, item, map));
        }
        // arrays, not lists: Spark's row encoder takes Java arrays for array columns
        return RowFactory.create(predictions.toArray(new Row[0]), predicted, model.label(predicted), p[predicted],
                e.layers().isEmpty() ? null : String.join(",", e.layers()), maps.toArray(new Row[0]), null, null);
    }

    private Row mapRow(ExplainerModel model, Row row, Item item, ClassMap map) {
        Localisation loc = null;
        String note = null;
        int m = settings.maskColumn();
        if (m >= 0) {
            MaskImage.Region region;
            try {
                region = row.isNullAt(m) ? new MaskImage.Region(null, "no-mask")
                        : MaskImage.read((byte[]) row.get(m), settings.input().name(row) + " (its mask)",
                        item.original().getWidth(), item.original().getHeight(), ImageLoader.DEFAULT_MAX_PIXELS);
            } catch (Exception badMask) {
                region = new MaskImage.Region(null, "unreadable-mask (" + error(badMask).message() + ")");
            }
            loc = region.mask() != null ? Localisation.of(map, region.mask()) : null;
            note = region.note();
        }
        boolean measured = loc != null && loc.defined();
        return RowFactory.create(map.classIndex(), model.label(map.classIndex()), map.score(), map.cam().data().clone(),
                map.cam().shape().clone(), map.status().json(), measured ? loc.onObjectShare() : null,
                measured ? loc.pointingHit() : null, measured ? loc.iou() : null, note,
                settings.overlay() ? overlayPng(item.original(), map) : null);
    }

    /** The image with its map over it, as {@code gradcam explain} draws {@code *.overlay.png} by default. */
    private static byte[] overlayPng(BufferedImage original, ClassMap map) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(Overlay.overlay(original, map, Colormap.JET, OVERLAY_ALPHA), "png", png);
        } catch (IOException inMemory) {
            throw new java.io.UncheckedIOException(inMemory);
        }
        return png.toByteArray();
    }

    private static Row failed(Throwable e) {
        ErrorReport error = error(e);
        return RowFactory.create(null, null, null, null, null, null, error.message(), error.kind());
    }

    /** Why a row has no explanation, in the words and kinds of the command line's JSON. */
    private static ErrorReport error(Throwable e) {
        return ErrorReport.of(e, "give the executors more memory or use a smaller batchSize");
    }

    private static Row withResult(Row row, Row result) {
        Object[] values = new Object[row.length() + 1];
        for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
        }
        values[row.length()] = result;
        return RowFactory.create(values);
    }
}
