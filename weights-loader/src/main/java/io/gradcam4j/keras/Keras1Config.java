package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites Keras 1 layer configs in Keras 2 terms, as Keras 2's legacy interfaces did
 * ({@code Convolution2D(nb_filter, nb_row, nb_col, border_mode, subsample, dim_ordering)} becomes
 * {@code Conv2D(filters, kernel_size, padding, strides, data_format)}, {@code output_dim} becomes
 * {@code units}, {@code p} becomes {@code rate}, ...). Keras 2 configs pass through unchanged.
 * Keras 1 class names, and what one class's config needs beyond these renames, are in the class's
 * {@link KerasClass} row.
 */
final class Keras1Config {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Keras1Config() {
    }

    /** The config with Keras 1's argument names in Keras 2 terms; what one class needs more is its row's. */
    static ObjectNode upgrade(JsonNode config) {
        // a layer entry without a config object is read as an empty config (its errors name the keys)
        ObjectNode c = config.isObject() ? ((ObjectNode) config).deepCopy() : NODES.objectNode();
        rename(c, "dim_ordering", "data_format");
        if (c.has("data_format")) {
            String f = c.get("data_format").asText();
            c.put("data_format", f.equals("th") ? "channels_first" : f.equals("tf") ? "channels_last" : f);
        }
        rename(c, "border_mode", "padding");
        rename(c, "subsample", "strides");
        rename(c, "nb_filter", "filters");
        rename(c, "output_dim", "units");
        rename(c, "bias", "use_bias");
        rename(c, "atrous_rate", "dilation_rate");
        rename(c, "p", "rate");
        if (c.has("nb_row") && c.has("nb_col")) {
            ArrayNode k = NODES.arrayNode().add(c.get("nb_row").asInt()).add(c.get("nb_col").asInt());
            c.set("kernel_size", k);
            c.remove("nb_row");
            c.remove("nb_col");
        }
        return c;
    }

    private static void rename(ObjectNode c, String from, String to) {
        if (c.has(from) && !c.has(to)) {
            c.set(to, c.get(from));
        }
        c.remove(from);
    }
}
