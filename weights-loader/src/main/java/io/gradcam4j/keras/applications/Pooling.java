package io.gradcam4j.keras.applications;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * keras.applications' {@code pooling} argument for an architecture without its top: the features
 * stay spatial (N, H, W, C), or are pooled to (N, C) by a GlobalAveragePooling2D ({@code avg}) or
 * GlobalMaxPooling2D ({@code max}) layer with Keras's automatic name.
 */
public enum Pooling {
    NONE(null, null),
    AVG("GlobalAveragePooling2D", "global_average_pooling2d"),
    MAX("GlobalMaxPooling2D", "global_max_pooling2d");

    private final String className;
    private final String layerName;

    Pooling(String className, String layerName) {
        this.className = className;
        this.layerName = layerName;
    }

    /** {@code none}, {@code avg} or {@code max}, as Keras spells them. */
    public static Pooling parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "avg" -> AVG;
            case "max" -> MAX;
            default -> throw new InvalidRequestException("pooling must be none, avg or max, not '" + name + "'");
        };
    }

    /**
     * {@code app} (without its top) with this pooling after its last layer: the same weights, one
     * more layer without any.
     */
    public Application applyTo(Application app) {
        if (this == NONE) {
            return app;
        }
        ObjectNode config = app.spec().modelConfig().deepCopy();
        ObjectNode body = (ObjectNode) config.get("config");
        String last = body.get("output_layers").get(0).get(0).asText();
        ObjectNode layer = ((ArrayNode) body.get("layers")).addObject();
        layer.put("class_name", className);
        layer.putObject("config").put("name", layerName).put("trainable", true).put("dtype", "float32")
                .put("data_format", "channels_last").put("keepdims", false);
        layer.put("name", layerName);
        layer.putArray("inbound_nodes").addArray().addArray().add(last).add(0).add(0).addObject();
        ArrayNode outputs = body.putArray("output_layers");
        outputs.addArray().add(layerName).add(0).add(0);
        List<String> order = new ArrayList<>(app.spec().layerOrder());
        order.add(layerName);
        ModelSpec spec = new ModelSpec(config, app.spec().inputShape(), List.copyOf(order), app.spec().weights());
        return new Application(app.name(), spec, app.preprocessing());
    }
}
