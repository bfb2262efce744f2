package io.gradcam4j.cli;

import io.gradcam4j.cam.metrics.FaithfulnessMetric;
import io.gradcam4j.cam.metrics.MetricOptions;
import io.gradcam4j.cam.metrics.Metrics;
import io.gradcam4j.engine.errors.InvalidRequestException;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The faithfulness metrics' options, shared by {@code evaluate} and {@code audit}. */
final class MetricArguments {

    @Option(names = "--metrics", paramLabel = "NAME[,NAME...]|all|none", split = ",",
            description = "deletion, insertion, average-drop, road-morf, road-lerf, remove-most, remove-least, all or "
                    + "none (default: evaluate all, audit none).")
    List<String> metrics = new ArrayList<>();

    @Option(names = "--metric-fill", paramLabel = "constant|mean|blur", defaultValue = "constant",
            description = "What removed pixels become in deletion, insertion and the removals (default: ${DEFAULT-VALUE}).")
    String metricFill;

    @Option(names = "--metric-fill-value", paramLabel = "V", defaultValue = "0",
            description = "The constant fill, a value of the model input (default: ${DEFAULT-VALUE}).")
    float metricFillValue;

    @Option(names = "--curve-steps", paramLabel = "N", defaultValue = "20",
            description = "Deletion and insertion: intervals of the curve (default: ${DEFAULT-VALUE}).")
    int curveSteps;

    @Option(names = "--percentiles", paramLabel = "P[,P...]", split = ",",
            description = "ROAD and removals: percentiles of the map, the share of pixels kept (default 10,20,...,90).")
    List<Double> percentiles = new ArrayList<>();

    @Option(names = "--road-noise", paramLabel = "F", defaultValue = "0.01",
            description = "ROAD: noise added to imputed values, in model-input units (default: ${DEFAULT-VALUE}).")
    double roadNoise;

    @Option(names = "--metric-seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of ROAD's noise and of the sanity check's random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    MetricOptions options() {
        MetricOptions.Builder b = MetricOptions.builder().fill(MetricOptions.Fill.parse(metricFill))
                .fillValue(metricFillValue).steps(curveSteps).roadNoise(roadNoise).seed(seed);
        if (!percentiles.isEmpty()) {
            b.percentiles(percentiles.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return b.build();
    }

    /**
     * {@code --metrics}, {@code all} expanded ({@code byDefault} when the option is not given,
     * {@code none} for no metric); an unknown name fails listing the valid ones, before any work.
     */
    List<FaithfulnessMetric> chosen(List<String> byDefault) {
        MetricOptions options = options();
        List<String> names = new ArrayList<>();
        for (String m : metrics.isEmpty() ? byDefault : metrics) {
            String n = m.strip().toLowerCase(Locale.ROOT);
            if (n.equals("none")) {
                return List.of();
            }
            if (n.equals("all")) {
                names.addAll(Metrics.names());
            } else if (!n.isEmpty()) {
                names.add(n);
            }
        }
        if (names.isEmpty() && !byDefault.isEmpty()) {
            throw new InvalidRequestException("--metrics names no metric; metrics: " + String.join(", ", Metrics.names()));
        }
        return names.stream().distinct().map(n -> Metrics.byName(n, options)).toList();
    }
}
