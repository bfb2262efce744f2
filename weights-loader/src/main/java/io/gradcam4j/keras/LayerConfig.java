package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads of one layer's Keras config, accepting the spellings Keras versions use
 * ({@code kernel_size: 3} or {@code [3, 3]}), with errors that name the layer and the key.
 */
final class LayerConfig {
    private final String className;
    private final String layerName;
    private final JsonNode config;

    LayerConfig(String className, JsonNode config) {
        this.className = className;
        this.config = config;
        JsonNode n = config.get("name");
        this.layerName = n == null ? "?" : n.asText();
    }

    String className() {
        return className;
    }

    String layerName() {
        return layerName;
    }

    boolean has(String key) {
        JsonNode v = config.get(key);
        return v != null && !v.isNull();
    }

    KerasFormatException error(String message) {
        return new KerasFormatException("layer '" + layerName + "' (" + className + "): " + message);
    }

    /** Valid Keras that gradcam4j does not run, naming the layer. */
    UnsupportedKerasFeatureException unsupported(String message) {
        return new UnsupportedKerasFeatureException("layer '" + layerName + "' (" + className + "): " + message);
    }

    String string(String key, String fallback) {
        return has(key) ? config.get(key).asText() : fallback;
    }

    boolean bool(String key, boolean fallback) {
        return has(key) ? config.get(key).asBoolean() : fallback;
    }

    int integer(String key, int fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = config.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error("'" + key + "' should be an integer but is " + v);
        }
        return v.asInt();
    }

    /** An integer that Keras requires to be at least 1 (filters, units, depth_multiplier...). */
    int positiveInteger(String key, int fallback) {
        int v = integer(key, fallback);
        if (has(key) && v < 1) {
            throw error("'" + key + "' must be a positive integer, got " + v);
        }
        return v;
    }

    /** A number in {@code [min, max]}, or in {@code (min, max]} when {@code minExclusive} (Keras's argument checks). */
    float numberIn(String key, float fallback, float min, boolean minExclusive, float max) {
        float v = number(key, fallback);
        boolean aboveMin = minExclusive ? v > min : v >= min;
        if (!aboveMin || v > max) {
            throw error("'" + key + "' must be " + (minExclusive ? "> " : ">= ") + min
                    + (max < Float.POSITIVE_INFINITY ? " and <= " + max : "") + ", got " + v);
        }
        return v;
    }

    float number(String key, float fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = config.get(key);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw error("'" + key + "' should be a finite number but is " + v);
        }
        return (float) v.asDouble();
    }

    /** A number or a list of numbers (Rescaling's per-channel scale). */
    float[] numbers(String key, float fallback) {
        if (!has(key)) {
            return new float[] {fallback};
        }
        JsonNode v = config.get(key);
        JsonNode[] items = v.isArray() ? new JsonNode[v.size()] : new JsonNode[] {v};
        for (int i = 0; v.isArray() && i < items.length; i++) {
            items[i] = v.get(i);
        }
        float[] out = new float[items.length];
        for (int i = 0; i < out.length; i++) {
            if (!items[i].isNumber() || !Double.isFinite(items[i].asDouble())) {
                throw error("'" + key + "' should be a finite number or a list of them but is " + v);
            }
            out[i] = (float) items[i].asDouble();
        }
        return out;
    }

    /** {@code 3} or {@code [3, 2]} as a pair. */
    int[] pair(String key, int fallback) {
        if (!has(key)) {
            return new int[] {fallback, fallback};
        }
        JsonNode v = config.get(key);
        if (v.isInt()) {
            return new int[] {v.asInt(), v.asInt()};
        }
        if (v.isArray() && v.size() == 2 && v.get(0).isInt() && v.get(1).isInt()) {
            return new int[] {v.get(0).asInt(), v.get(1).asInt()};
        }
        throw error("'" + key + "' should be an integer or a pair of integers but is " + v);
    }

    /** A pair of integers that Keras requires to be positive (kernel, pool and upsampling sizes, strides, dilation). */
    int[] positivePair(String key, int fallback) {
        int[] p = pair(key, fallback);
        if (p[0] < 1 || p[1] < 1) {
            throw error("'" + key + "' must be positive, got " + config.get(key));
        }
        return p;
    }

    /**
     * Padding or cropping amounts as {top, bottom, left, right}: Keras accepts {@code n},
     * {@code [h, w]} (symmetric) and {@code [[top, bottom], [left, right]]}.
     */
    int[] borders(String key, int fallback) {
        if (!has(key)) {
            return new int[] {fallback, fallback, fallback, fallback};
        }
        JsonNode v = config.get(key);
        if (v.isInt()) {
            int n = v.asInt();
            return new int[] {n, n, n, n};
        }
        if (v.isArray() && v.size() == 2 && v.get(0).isInt()) {
            int h = v.get(0).asInt();
            int w = v.get(1).asInt();
            return new int[] {h, h, w, w};
        }
        if (v.isArray() && v.size() == 2 && v.get(0).isArray() && v.get(1).isArray()
                && v.get(0).size() == 2 && v.get(1).size() == 2) {
            return new int[] {v.get(0).get(0).asInt(), v.get(0).get(1).asInt(),
                v.get(1).get(0).asInt(), v.get(1).get(1).asInt()};
        }
        throw error("'" + key + "' should be n, [h, w] or [[top, bottom], [left, right]] but is " + v);
    }

    /** A list of integers, e.g. Reshape's target_shape or PReLU's shared_axes. */
    int[] integers(String key) {
        if (!has(key)) {
            return new int[0];
        }
        JsonNode v = config.get(key);
        if (v.isInt()) {
            return new int[] {v.asInt()};
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            // TF.js writes Reshape's free dimension as null where Keras writes -1.
            out[i] = v.get(i).isNull() ? -1 : v.get(i).asInt();
        }
        return out;
    }

    /**
     * The activation's name: a string in Keras 1/2, sometimes a serialized object in Keras 3
     * ({@code {"class_name": "function", "config": "relu"}}).
     */
    String activation() {
        if (!has("activation")) {
            return "linear";
        }
        JsonNode v = config.get("activation");
        if (v.isTextual()) {
            return v.asText();
        }
        JsonNode inner = v.get("config");
        if (inner != null && inner.isTextual()) {
            return inner.asText();
        }
        if (inner != null && inner.has("name")) {
            return inner.get("name").asText();
        }
        throw error("cannot read activation " + v);
    }

    /** Refuses data formats other than channels_last (channels_first layers are wrapped before this). */
    void requireChannelsLast() {
        String format = string("data_format", "channels_last");
        if (!format.equals("channels_last")) {
            throw unsupported("data_format '" + format + "' is not supported here");
        }
    }

    /** The same config with {@code data_format: channels_last}: the op runs on an NHWC view. */
    LayerConfig asChannelsLast() {
        com.fasterxml.jackson.databind.node.ObjectNode copy = config.isObject()
                ? ((com.fasterxml.jackson.databind.node.ObjectNode) config).deepCopy()
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        copy.put("data_format", "channels_last");
        return new LayerConfig(className, copy);
    }
}
