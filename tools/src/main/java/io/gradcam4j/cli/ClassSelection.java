package io.gradcam4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Which classes to explain, from {@code --class}: a class index, a label, or {@code top:K}
 * (comma-separated or repeated). None means the predicted class.
 */
public final class ClassSelection {
    private ClassSelection() {
    }

    public static Function<float[], List<Integer>> parse(List<String> specs, LoadedModel model) {
        List<String> parts = new ArrayList<>();
        for (String s : specs) {
            parts.addAll(Arrays.asList(s.split(",")));
        }
        validate(specs, !specs.isEmpty());
        return probabilities -> {
            List<Integer> out = new ArrayList<>();
            for (String raw : parts) {
                String p = raw.strip();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.startsWith("top:")) {
                    int k = Integer.parseInt(p.substring(4));
                    int[] order = rank(probabilities);
                    for (int i = 0; i < Math.min(k, order.length); i++) {
                        out.add(order[i]);
                    }
                } else if (p.matches("-?\\d+")) {
                    out.add(Integer.parseInt(p));
                } else if (model.labels() != null) {
                    out.add(model.labels().indexOf(p));
                } else {
                    throw new io.gradcam4j.engine.errors.InvalidRequestException("'" + p + "' is not a class index and the model has no labels "
                            + "(pass --labels FILE)");
                }
            }
            return out.stream().distinct().toList();
        };
    }

    /**
     * Checked before any work: {@code top:K} with K >= 1, and at least one class named when
     * {@code --class} was given ({@code given}: picocli drops the empty items of {@code --class ,,,}).
     */
    public static void validate(List<String> specs, boolean given) {
        List<String> parts = new ArrayList<>();
        for (String s : specs) {
            parts.addAll(Arrays.asList(s.split(",")));
        }
        boolean any = false;
        for (String raw : parts) {
            String p = raw.strip();
            if (p.isEmpty()) {
                continue;
            }
            any = true;
            if (p.startsWith("top:")) {
                String k = p.substring(4);
                if (!k.matches("\\d+") || Integer.parseInt(k) < 1) {
                    throw new io.gradcam4j.engine.errors.InvalidRequestException("--class " + p + ": top:K needs a whole number K >= 1 (e.g. top:3)");
                }
            }
        }
        if (given && !any) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--class was given but names no class; give indices, labels or top:K");
        }
    }

    static int[] rank(float[] p) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(p[b], p[a]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}
