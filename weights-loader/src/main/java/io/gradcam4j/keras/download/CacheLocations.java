package io.gradcam4j.keras.download;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where weights files live. Like Keras ({@code KERAS_HOME} + {@code cache_subdir}), a file goes to
 * {@code <cacheRoot>/<cacheSubdir>/<fileName>}, e.g. {@code ~/.gradcam4j/models/vgg19_...h5}.
 * The cache root is, first match wins:
 * <ol>
 *   <li>an explicit override (the CLI's flag, a constructor argument): the caller's explicit
 *       choice beats an ambient variable, and tests stay isolated on machines that set it;</li>
 *   <li>{@code $GRADCAM4J_CACHE};</li>
 *   <li>{@code ~/.gradcam4j}.</li>
 * </ol>
 * Keras's own caches ({@code $KERAS_HOME}, then {@code ~/.keras}, as keras/src/backend/config.py
 * resolves it) are searched read-only, so users who already have Keras weights download nothing.
 *
 * @param cacheRoot  where gradcam4j writes downloads
 * @param kerasRoots Keras cache roots, searched but never written
 */
public record CacheLocations(Path cacheRoot, List<Path> kerasRoots) {
    public static final String CACHE_ENV = "GRADCAM4J_CACHE";
    public static final String KERAS_HOME_ENV = "KERAS_HOME";

    public CacheLocations {
        cacheRoot = cacheRoot.toAbsolutePath();
        kerasRoots = kerasRoots.stream().map(Path::toAbsolutePath).distinct().toList();
    }

    /** The locations for this user and process; {@code override} may be null. */
    public static CacheLocations standard(Path override) {
        return resolve(override, System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The locations from explicit inputs (no global state, for tests). */
    public static CacheLocations resolve(Path override, Map<String, String> env, Path home) {
        Path root = override != null ? override
                : nonBlank(env.get(CACHE_ENV)) ? Path.of(env.get(CACHE_ENV))
                : home.resolve(".gradcam4j");
        List<Path> keras = new ArrayList<>();
        if (nonBlank(env.get(KERAS_HOME_ENV))) {
            keras.add(Path.of(env.get(KERAS_HOME_ENV)));
        }
        keras.add(home.resolve(".keras"));
        return new CacheLocations(root, keras);
    }

    /** Where gradcam4j keeps this file. */
    public Path target(WeightsFile file) {
        return cacheRoot.resolve(file.cacheSubdir()).resolve(file.fileName());
    }

    /** Where Keras would have cached this file, most specific first. */
    public List<Path> kerasCandidates(WeightsFile file) {
        return kerasRoots.stream().map(r -> r.resolve(file.cacheSubdir()).resolve(file.fileName())).toList();
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }
}
