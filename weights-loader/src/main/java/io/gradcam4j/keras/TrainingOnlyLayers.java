package io.gradcam4j.keras;

import io.gradcam4j.engine.ops.Dropout;
import io.gradcam4j.engine.ops.Identity;

import java.util.ArrayList;
import java.util.List;

/** The layers that act only while training: dropout, noise, augmentation, activity regularization. */
final class TrainingOnlyLayers {
    static final List<KerasClass> CLASSES = classes();

    private TrainingOnlyLayers() {
    }

    private static List<KerasClass> classes() {
        List<KerasClass> classes = new ArrayList<>();
        classes.add(KerasClass.of("Dropout", (c, w, o) -> new Dropout(c.numberIn("rate", 0f, 0f, false, 1f), false)));
        classes.add(KerasClass.of("SpatialDropout2D", (c, w, o) ->
                new Dropout(c.numberIn("rate", 0f, 0f, false, 1f), true)));
        for (String inferenceIdentity : List.of("RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast",
                "RandomTranslation", "RandomHeight", "RandomWidth", "RandomBrightness", "GaussianNoise",
                "GaussianDropout", "AlphaDropout", "ActivityRegularization")) {
            // Augmentation and noise layers do nothing at inference (gradcam4j does not train with them).
            classes.add(KerasClass.of(inferenceIdentity, (c, w, o) -> new Identity(inferenceIdentity)));
        }
        return List.copyOf(classes);
    }
}
