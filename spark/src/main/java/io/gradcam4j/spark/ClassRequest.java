package io.gradcam4j.spark;

import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which classes of each image to explain, from the {@code classes} parameter: {@code predicted}
 * (the default), {@code top:K}, or fixed classes by index or label ({@code 3} or
 * {@code square,star}), as {@code gradcam explain --class}. With a label column the image's own
 * true class is explained instead (its predicted class when the row has none), as
 * {@code gradcam audit --classes true}.
 */
record ClassRequest(String text, int top, List<String> fixed) implements Serializable {

    static final String PREDICTED = "predicted";

    /** Checked on the driver, before any work. */
    static ClassRequest parse(String text) {
        String t = text == null ? PREDICTED : text.strip();
        if (t.equalsIgnoreCase(PREDICTED)) {
            return new ClassRequest(PREDICTED, 0, List.of());
        }
        if (t.toLowerCase(Locale.ROOT).startsWith("top:")) {
            int k;
            try {
                k = Integer.parseInt(t.substring(4).strip());
            } catch (NumberFormatException e) {
                k = 0;
            }
            if (k < 1) {
                throw new InvalidRequestException("classes " + t + ": top:K needs a whole number K >= 1 (e.g. top:3)");
            }
            return new ClassRequest(t, k, List.of());
        }
        List<String> names = Arrays.stream(t.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new InvalidRequestException("classes names no class; give predicted, top:K, or indices or labels");
        }
        return new ClassRequest(t, 0, names);
    }

    /**
     * The classes of one image (the empty list: its predicted class, as the library reads it).
     *
     * @param truth the row's true class when a label column is set, else {@code null}
     */
    List<Integer> choose(ExplainerModel model, float[] probabilities, Integer truth) {
        if (truth != null) {
            return List.of(truth);
        }
        if (top > 0) {
            Integer[] order = new Integer[probabilities.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
            return List.of(order).subList(0, Math.min(top, order.length));
        }
        List<Integer> chosen = new ArrayList<>();
        for (String name : fixed) {
            chosen.add(indexOf(model, name));
        }
        return chosen;
    }

    /** A class by index or by label (case aside), refused by name when the model has no such class. */
    static int indexOf(ExplainerModel model, String name) {
        for (int c = 0; c < model.classCount(); c++) {
            if (model.label(c).equalsIgnoreCase(name)) {
                return c;
            }
        }
        if (name.matches("[0-9]{1,9}") && Integer.parseInt(name) < model.classCount()) {
            return Integer.parseInt(name);
        }
        throw new InvalidRequestException("class " + name + " is not one of the model's " + model.classCount()
                + " classes (an index below " + model.classCount() + " or a label)");
    }
}
