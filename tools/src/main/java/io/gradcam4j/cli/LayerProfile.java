package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gradcam bench --layers}: where a forward pass spends its time, layer by layer (after
 * fusion, so a convolution with its BatchNormalization and activation is one row), as the median
 * over repeated passes, and summed by kind of op. Tells which kernel to work on.
 */
record LayerProfile(List<Row> rows) {
    /** One node of the inference plan: its median milliseconds over the timed passes. */
    record Row(String name, String op, double medianMs) {
    }

    /** The rows shown in text: the slowest layers (the JSON has them all). */
    static final int SHOWN = 25;

    static LayerProfile of(Graph graph, Tensor x, int repeat) {
        Map<Node, double[]> ms = new LinkedHashMap<>();
        for (int r = 0; r < repeat; r++) {
            for (Map.Entry<Node, Long> e : graph.layerTimes(x).entrySet()) {
                ms.computeIfAbsent(e.getKey(), k -> new double[repeat])[r] = e.getValue() / 1e6;
            }
        }
        List<Row> rows = new ArrayList<>();
        ms.forEach((node, times) -> {
            Arrays.sort(times);
            rows.add(new Row(node.name(), node.op().describe(), times[repeat / 2]));
        });
        return new LayerProfile(rows);
    }

    double totalMs() {
        return rows.stream().mapToDouble(Row::medianMs).sum();
    }

    /** The op's kind: the first word of its description ("conv2d", "depthwise_conv2d", "add", ...). */
    static String kind(String op) {
        int cut = op.indexOf(' ');
        int paren = op.indexOf('(');
        if (paren >= 0 && (cut < 0 || paren < cut)) {
            cut = paren;
        }
        return cut < 0 ? op : op.substring(0, cut);
    }

    Map<String, Double> msByKind() {
        Map<String, Double> byKind = new LinkedHashMap<>();
        for (Row r : rows) {
            byKind.merge(kind(r.op()), r.medianMs(), Double::sum);
        }
        return byKind;
    }

    void print() {
        double total = totalMs();
        System.out.printf(Locale.ROOT, "layers (medians; sum %.1f ms), slowest first:%n", total);
        System.out.printf(Locale.ROOT, "%-32s %9s %6s  %s%n", "layer", "ms", "share", "op");
        rows.stream().sorted(Comparator.comparingDouble(Row::medianMs).reversed()).limit(SHOWN).forEach(r ->
                System.out.printf(Locale.ROOT, "%-32s %9.2f %5.1f%%  %s%n", r.name(), r.medianMs(),
                        100 * r.medianMs() / total, r.op()));
        System.out.println("by kind of op:");
        msByKind().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).forEach(e ->
                System.out.printf(Locale.ROOT, "%-32s %9.2f %5.1f%%%n", e.getKey(), e.getValue(),
                        100 * e.getValue() / total));
    }

    void writeTo(ArrayNode json) {
        for (Row r : rows) {
            json.addObject().put("layer", r.name()).put("op", r.op()).put("median_ms", r.medianMs());
        }
    }
}
