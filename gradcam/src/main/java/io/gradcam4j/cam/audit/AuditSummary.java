package io.gradcam4j.cam.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An audit's verdict on the whole folder: accuracy, where the maps look (mean on-object share,
 * pointing game, IoU), per class, the confusion matrix, histograms of the on-object share for
 * right and wrong answers, and the mean of every faithfulness figure. A figure that cannot be
 * computed (no labelled image, no object region) is {@code null}, never NaN.
 *
 * @param images images audited (failures not included)
 * @param labelled images with a true class
 * @param located images whose map could be measured against an object
 * @param confusion {@code [true][predicted]} counts over the labelled images
 * @param onObjectRight histogram of the on-object share of right answers, {@link #BINS} bins over [0, 1]
 */
public record AuditSummary(int images, int failed, int labelled, Double accuracy, int located, Double meanOnObject,
                           Double pointingGame, Double meanIou, List<ClassRow> perClass, int[][] confusion,
                           int[] onObjectRight, int[] onObjectWrong, int[] onObjectUnlabelled,
                           Map<String, Double> metricMeans) {
    public static final int BINS = 10;

    /** One class's figures: its images are those whose true class it is. */
    public record ClassRow(int index, String name, int images, Double accuracy, int located, Double meanOnObject) {
    }

    /**
     * The summary under the keys of {@code audit.json}'s {@code summary}, as plain values (boxed
     * numbers, null, int arrays, lists and maps in key order) that any JSON library writes as they
     * are: one definition of those keys for the command line's audit and the Spark job.
     */
    public Map<String, Object> asJsonValues() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("images", images);
        o.put("failed", failed);
        o.put("labelled", labelled);
        o.put("accuracy", accuracy);
        o.put("located", located);
        o.put("mean_on_object", meanOnObject);
        o.put("pointing_game", pointingGame);
        o.put("mean_iou", meanIou);
        List<Map<String, Object>> classes = new ArrayList<>();
        for (ClassRow r : perClass) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", r.index());
            c.put("label", r.name());
            c.put("images", r.images());
            c.put("accuracy", r.accuracy());
            c.put("located", r.located());
            c.put("mean_on_object", r.meanOnObject());
            classes.add(c);
        }
        o.put("per_class", classes);
        o.put("confusion", confusion);
        Map<String, Object> histogram = new LinkedHashMap<>();
        histogram.put("bins", BINS);
        histogram.put("right", onObjectRight);
        histogram.put("wrong", onObjectWrong);
        histogram.put("unlabelled", onObjectUnlabelled);
        o.put("on_object_histogram", histogram);
        o.put("metric_means", metricMeans);
        return o;
    }

    public static AuditSummary of(List<ImageAudit> audits, int failed, List<String> classNames) {
        int classes = classNames.size();
        List<ImageAudit> labelled = audits.stream().filter(a -> a.trueIndex() != null).toList();
        List<ImageAudit> located = audits.stream().filter(a -> a.onObject() != null).toList();
        int[][] confusion = new int[classes][classes];
        for (ImageAudit a : labelled) {
            if (a.trueIndex() < classes && a.predictedIndex() < classes) {
                confusion[a.trueIndex()][a.predictedIndex()]++;
            }
        }
        List<ClassRow> rows = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int k = c;
            List<ImageAudit> of = labelled.stream().filter(a -> a.trueIndex() == k).toList();
            if (!of.isEmpty()) {
                rows.add(new ClassRow(c, classNames.get(c), of.size(), share(of, a -> a.correct()),
                        (int) of.stream().filter(a -> a.onObject() != null).count(), mean(of, ImageAudit::onObject)));
            }
        }
        return new AuditSummary(audits.size(), failed, labelled.size(), share(labelled, a -> a.correct()),
                located.size(), mean(located, ImageAudit::onObject), share(located, a -> a.pointingHit()),
                mean(located, ImageAudit::iou), rows, confusion,
                histogram(audits, a -> Boolean.TRUE.equals(a.correct())),
                histogram(audits, a -> Boolean.FALSE.equals(a.correct())),
                histogram(audits, a -> a.correct() == null), metricMeans(audits));
    }

    /** The share of {@code audits} where {@code test} is true, or null when there are none. */
    private static Double share(List<ImageAudit> audits, Function<ImageAudit, Boolean> test) {
        long counted = audits.stream().filter(a -> test.apply(a) != null).count();
        if (counted == 0) {
            return null;
        }
        return audits.stream().filter(a -> Boolean.TRUE.equals(test.apply(a))).count() / (double) counted;
    }

    private static Double mean(List<ImageAudit> audits, Function<ImageAudit, Double> value) {
        double sum = 0;
        int n = 0;
        for (ImageAudit a : audits) {
            Double v = value.apply(a);
            if (v != null) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static int[] histogram(List<ImageAudit> audits, Predicate<ImageAudit> which) {
        int[] bins = new int[BINS];
        for (ImageAudit a : audits) {
            if (which.test(a) && a.onObject() != null) {
                bins[Math.min(BINS - 1, (int) (a.onObject() * BINS))]++;
            }
        }
        return bins;
    }

    /** The mean of each metric figure over the images that have it, in name order. */
    private static Map<String, Double> metricMeans(List<ImageAudit> audits) {
        Map<String, double[]> sums = new TreeMap<>();
        for (ImageAudit a : audits) {
            a.metrics().forEach((k, v) -> {
                double[] s = sums.computeIfAbsent(k, x -> new double[2]);
                s[0] += v;
                s[1]++;
            });
        }
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((k, s) -> means.put(k, s[0] / s[1]));
        return means;
    }
}
