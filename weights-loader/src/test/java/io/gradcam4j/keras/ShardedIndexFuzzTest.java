package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.keras.Keras3Fixture.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged and hostile indexes of sharded weights (in {@link KerasArchiveFuzzTest}'s style) must
 * load or fail with a typed error naming the index — a {@link Gradcam4jException}, or
 * {@link NoSuchFileException} for a shard that is not there — never another exception, a hang, or
 * a file read from outside the index's folder. The seed: the fixture's Sequential saved in three
 * shards of 800 bytes by {@link KerasV3Writer}. A file {@code outside.weights.h5} (a copy of a
 * shard) waits in the parent folder: reaching it through the index would be a failure.
 *
 * <p>The damage, one per case: a value of the index replaced, removed or duplicated; a
 * {@code vars} path changed; a shard name made hostile ({@code ../}, absolute, a separator, empty,
 * very long) or swapped for another shard's; the text cut, characters changed, or a value nested
 * deep. {@code -Dfuzz.cases=N} sets the number of cases, {@code -Dfuzz.seed=S} the run's seed.
 */
class ShardedIndexFuzzTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonNode> VALUES = List.of(NODES.nullNode(), NODES.booleanNode(true),
            NODES.numberNode(-1), NODES.numberNode(1e300), NODES.textNode(""), NODES.arrayNode(), NODES.objectNode(),
            NODES.textNode("tiny_00001.weights.h5"), NODES.arrayNode().add("tiny_00002.weights.h5").add(3));
    private static final String[] HOSTILE_NAMES = {"../outside.weights.h5", "/etc/passwd", "sub/tiny_00000.weights.h5",
        "..\\outside.weights.h5", "", ".", "..", "x".repeat(300), "tiny_00009.weights.h5", "tiny.weights.json",
        "C:outside.weights.h5", "tiny_00000.weights.h5\u0000.txt"};

    @TempDir
    Path dir;

    @Test
    void damagedIndexesLoadOrFailWithATypedError() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("model"));
        KerasModel model = KerasModelFile.loadModel(Keras3Fixture.archive(Keras3Fixture.SEQUENTIAL,
                Keras3Fixture.sequentialWeights(7), Keras3Fixture.SEQUENTIAL_PLACES, Layout.NESTED, false), "tiny.keras");
        Path seedIndex = folder.resolve("tiny.weights.json");
        List<Path> shards = KerasV3Writer.saveShardedWeights(model, seedIndex, 800);
        Files.copy(shards.get(0), dir.resolve("outside.weights.h5"));
        String seed = Files.readString(seedIndex);
        JsonNode architecture = new ObjectMapper().readTree(Keras3Fixture.SEQUENTIAL);

        int cases = Integer.getInteger("fuzz.cases", 400);
        Random random = new Random(Long.getLong("fuzz.seed", 0x73_68_61_72_64L));
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            long caseSeed = random.nextLong();
            String[] mutant = mutate(seed, new Random(caseSeed));
            Path index = folder.resolve("case" + i + ".weights.json");
            Files.writeString(index, mutant[0]);
            try {
                String outcome = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> runCase(index, architecture),
                        () -> "hang: " + mutant[1]);
                if (outcome.startsWith("loaded") && mutant[0].contains("outside.weights.h5")) {
                    throw new AssertionError("loaded weights through a shard name leading out of the folder");
                }
                outcomes.merge(outcome, 1, Integer::sum);
            } catch (Throwable t) {
                failures.add(t + "\n    mutation: " + mutant[1] + " (caseSeed " + caseSeed + ")");
            } finally {
                Files.deleteIfExists(index);
            }
        }
        StringBuilder summary = new StringBuilder("ShardedIndexFuzzTest: " + cases + " damaged indexes\n");
        outcomes.forEach((k, v) -> summary.append(String.format("  %5d  %s%n", v, k)));
        System.out.print(summary);
        if (!failures.isEmpty()) {
            fail(failures.size() + " damaged indexes were not handled; first: " + failures.get(0) + "\n" + summary);
        }
        assertTrue(outcomes.keySet().stream().anyMatch(k -> k.startsWith("loaded")), summary.toString());
        assertTrue(outcomes.keySet().stream().filter(k -> k.startsWith("refused")).count() >= 4, summary.toString());
    }

    private static String runCase(Path index, JsonNode architecture) throws IOException {
        String name = index.getFileName().toString();
        KerasModel model;
        try {
            model = KerasModelFile.loadWeights(index, architecture);
        } catch (Gradcam4jException e) {
            if (e.getMessage() == null || !e.getMessage().contains(name)) {
                throw new AssertionError("message does not name the index: " + e.getMessage(), e);
            }
            return "refused: " + e.getClass().getSimpleName() + " / " + e.kind().json() + " / " + what(e.getMessage());
        } catch (NoSuchFileException e) {
            if (e.getMessage() == null || !e.getMessage().contains(name)) {
                throw new AssertionError("a missing shard's message does not name the index: " + e.getMessage(), e);
            }
            return "refused: a shard is missing";
        }
        Tensor out = model.graph().predict(Tensor.zeros(1, 6, 6, 2));
        for (float v : out.data()) {
            if (!Float.isFinite(v)) {
                throw new AssertionError("loaded, but predicts " + v);
            }
        }
        return "loaded";
    }

    /** Which refusal a message is, for the summary. */
    private static String what(String message) {
        for (String phrase : new String[] {"not valid JSON", "no \"weight_map\"", "not a file in the index's folder",
            "should name a shard", "among its shards", "is missing", "not an HDF5 file", "held by two shards",
            "variables 0 to", "expects", "shape"}) {
            if (message.contains(phrase)) {
                return phrase;
            }
        }
        return "other";
    }

    /** One mutation of the index text: {mutated text, description}. */
    private static String[] mutate(String seed, Random r) throws IOException {
        if (r.nextInt(5) == 0) {
            return textMutation(seed, r);
        }
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(seed);
        ObjectNode map = (ObjectNode) root.get("weight_map");
        List<String> keys = new ArrayList<>();
        map.fieldNames().forEachRemaining(keys::add);
        String key = keys.get(r.nextInt(keys.size()));
        String description;
        switch (r.nextInt(5)) {
            case 0 -> {
                String name = HOSTILE_NAMES[r.nextInt(HOSTILE_NAMES.length)];
                if (map.get(key).isArray()) {
                    ((ArrayNode) map.get(key)).set(r.nextInt(map.get(key).size()), NODES.textNode(name));
                } else {
                    map.put(key, name);
                }
                description = "shard of " + key + " named '" + name + "'";
            }
            case 1 -> {
                String other = keys.get(r.nextInt(keys.size()));
                map.set(key, map.get(other).deepCopy());
                description = key + " given the shards of " + other;
            }
            case 2 -> {
                JsonNode value = map.remove(key);
                String renamed = r.nextBoolean() ? key.replace("/vars", "") : key.replace("layers/", "layers\\");
                map.set(renamed, value);
                description = key + " renamed " + renamed;
            }
            case 3 -> {
                JsonNode value = VALUES.get(r.nextInt(VALUES.size()));
                map.set(key, value);
                description = key + " set to " + value;
            }
            default -> {
                JsonNode value = VALUES.get(r.nextInt(VALUES.size()));
                String top = r.nextBoolean() ? "weight_map" : "metadata";
                if (r.nextBoolean()) {
                    root.remove(top);
                    description = top + " removed";
                } else {
                    root.set(top, value);
                    description = top + " set to " + value;
                }
            }
        }
        return new String[] {root.toString(), description};
    }

    private static String[] textMutation(String text, Random r) {
        switch (r.nextInt(3)) {
            case 0 -> {
                int at = r.nextInt(text.length());
                return new String[] {text.substring(0, at), "text cut at " + at};
            }
            case 1 -> {
                char[] c = text.toCharArray();
                String replacements = "{}[]\":,0-9e./\\ \u00e9\u0000";
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    c[r.nextInt(c.length)] = replacements.charAt(r.nextInt(replacements.length()));
                }
                return new String[] {new String(c), flips + " characters changed"};
            }
            default -> {
                int depth = 1000 + r.nextInt(100_000);
                String deep = "[".repeat(depth) + "]".repeat(depth);
                return new String[] {text.replaceFirst("\\{", "{\"deep\": " + deep.replace("\\", "\\\\") + ", "),
                        "a value nested " + depth + " deep"};
            }
        }
    }
}
