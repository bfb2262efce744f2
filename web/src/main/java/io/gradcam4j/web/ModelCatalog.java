package io.gradcam4j.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cli.LoadedModel;
import io.gradcam4j.cli.ModelLoader;
import io.gradcam4j.cli.ModelOptions;
import io.gradcam4j.cli.Reports;
import io.gradcam4j.keras.download.CacheLocations;
import io.gradcam4j.keras.download.OfficialWeights;
import io.gradcam4j.keras.download.WeightsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The models the page may use, fixed when the server starts: the bundled demo models, the
 * {@code .h5} and {@code .keras} files directly in {@code --models DIR}, and the keras.applications
 * whose official weights (with their classifier) are already in the weights cache or Keras's own.
 * The client names a model by its id only; no path from a request reaches the file system.
 *
 * <p>Models are loaded on first use, on the {@link ExplainQueue}'s thread only, and the last few
 * are kept loaded.
 */
final class ModelCatalog {
    /** How many loaded models are kept (the least recently used is dropped first). */
    private static final int KEPT = 3;

    /** One entry of the list: its id, what {@code --model} it stands for, and what kind it is. */
    record Entry(String id, String modelOption, String kind, String description) {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>(4, 0.75f, true);

    private ModelCatalog() {
    }

    /**
     * @param modelsDir the folder of model files ({@code --models}), or null
     * @param cache the weights cache folder ({@code --cache}), or null for the standard one
     */
    static ModelCatalog scan(Path modelsDir, Path cache) throws IOException {
        ModelCatalog c = new ModelCatalog();
        for (String demo : ModelLoader.demoNames()) {
            c.add(new Entry(demo, demo, "demo", "bundled demo model (" + demo + ")"));
        }
        if (modelsDir != null) {
            if (!Files.isDirectory(modelsDir)) {
                throw new IOException("--models " + modelsDir + " is not a folder");
            }
            try (Stream<Path> files = Files.list(modelsDir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && name.toLowerCase(Locale.ROOT).matches(".*\\.(h5|hdf5|keras)")) {
                        c.add(new Entry("file:" + name, f.toAbsolutePath().toString(), "file", name));
                    }
                }
            }
        }
        CacheLocations where = CacheLocations.standard(cache);
        for (WeightsFile w : OfficialWeights.all()) {
            if (!w.name().endsWith("_no_top") && isCached(where, w)) {
                c.add(new Entry(w.name(), w.name(), "application", "keras.applications " + w.name() + " (cached weights)"));
            }
        }
        return c;
    }

    /** Whether a file of that name is in the cache; its hash is checked when the model is loaded. */
    private static boolean isCached(CacheLocations where, WeightsFile w) {
        return Files.isRegularFile(where.target(w)) || where.kerasCandidates(w).stream().anyMatch(Files::isRegularFile);
    }

    private void add(Entry e) {
        entries.putIfAbsent(e.id(), e);
    }

    /** The entry with this id; an unknown id is refused (404) with the valid ones. */
    Entry entry(String id) {
        Entry e = id == null ? null : entries.get(id);
        if (e == null) {
            throw new ApiException(404, "invalid-request", "unknown model '" + id + "'; models: "
                    + String.join(", ", entries.keySet()));
        }
        return e;
    }

    /** The loaded model with this id, loaded now if needed. Call only on the queue's thread. */
    LoadedModel load(String id) throws IOException {
        Entry e = entry(id);
        LoadedModel m = loaded.get(id);
        if (m == null) {
            m = ModelLoader.load(ModelOptions.forModel(e.modelOption()), (bytes, total) -> { });
            loaded.put(id, m);
            if (loaded.size() > KEPT) {
                loaded.remove(loaded.keySet().iterator().next());
            }
        }
        return m;
    }

    /** {@code [{"id", "kind", "description"}, ...]}: what GET /api/models answers. */
    ArrayNode json() {
        ArrayNode a = Reports.JSON.createArrayNode();
        for (Entry e : entries.values()) {
            ObjectNode n = a.addObject();
            n.put("id", e.id());
            n.put("kind", e.kind());
            n.put("description", e.description());
        }
        return a;
    }

    List<String> ids() {
        return new ArrayList<>(entries.keySet());
    }
}
