package io.gradcam4j.keras.download;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CacheLocationsTest {
    private static final Path HOME = Path.of("/home/u");
    private static final WeightsFile VGG19 = OfficialWeights.VGG19.withTop(true);

    @Test
    void defaultIsDotGradcam4jModelsUnderHome() {
        CacheLocations loc = CacheLocations.resolve(null, Map.of(), HOME);
        assertEquals(Path.of("/home/u/.gradcam4j/models/vgg19_weights_tf_dim_ordering_tf_kernels.h5"),
                loc.target(VGG19));
    }

    @Test
    void environmentVariableBeatsTheDefault() {
        CacheLocations loc = CacheLocations.resolve(null, Map.of("GRADCAM4J_CACHE", "/data/w"), HOME);
        assertEquals(Path.of("/data/w"), loc.cacheRoot());
    }

    @Test
    void explicitOverrideBeatsTheEnvironmentVariable() {
        CacheLocations loc = CacheLocations.resolve(Path.of("/flag"), Map.of("GRADCAM4J_CACHE", "/data/w"), HOME);
        assertEquals(Path.of("/flag"), loc.cacheRoot());
    }

    @Test
    void kerasCachesAreKerasHomeThenDotKeras() {
        CacheLocations loc = CacheLocations.resolve(null, Map.of("KERAS_HOME", "/opt/keras"), HOME);
        assertEquals(List.of(Path.of("/opt/keras/models/vgg19_weights_tf_dim_ordering_tf_kernels.h5"),
                        Path.of("/home/u/.keras/models/vgg19_weights_tf_dim_ordering_tf_kernels.h5")),
                loc.kerasCandidates(VGG19));
        assertEquals(List.of(Path.of("/home/u/.keras")), CacheLocations.resolve(null, Map.of(), HOME).kerasRoots());
    }
}
