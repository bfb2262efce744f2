package io.gradcam4j.cam.metrics;

import io.gradcam4j.engine.errors.InvalidRequestException;

import java.util.List;
import java.util.Locale;

/**
 * Every faithfulness metric by the name the CLI, the JSON and the audit use; their definitions
 * are in each class comment and in docs/METHODS.md ("Faithfulness metrics").
 */
public final class Metrics {
    private static final List<String> NAMES = List.of("deletion", "insertion", "average-drop", "road-morf", "road-lerf",
            "remove-most", "remove-least");

    private Metrics() {
    }

    /** All names, in the order of the docs. */
    public static List<String> names() {
        return NAMES;
    }

    /** The metric called {@code name} with these options ({@code null}: the defaults); an unknown name lists the valid ones. */
    public static FaithfulnessMetric byName(String name, MetricOptions options) {
        MetricOptions o = options != null ? options : MetricOptions.defaults();
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "deletion" -> new PixelCurve(PixelCurve.Direction.DELETION, o);
            case "insertion" -> new PixelCurve(PixelCurve.Direction.INSERTION, o);
            case "average-drop" -> new AverageDrop();
            case "road-morf" -> RemovalMetric.road(PercentileRemoval.Order.MOST_RELEVANT_FIRST, o);
            case "road-lerf" -> RemovalMetric.road(PercentileRemoval.Order.LEAST_RELEVANT_FIRST, o);
            case "remove-most" -> RemovalMetric.filled(PercentileRemoval.Order.MOST_RELEVANT_FIRST, o);
            case "remove-least" -> RemovalMetric.filled(PercentileRemoval.Order.LEAST_RELEVANT_FIRST, o);
            default -> throw new InvalidRequestException("unknown metric '" + name + "'; metrics: "
                    + String.join(", ", NAMES));
        };
    }
}
