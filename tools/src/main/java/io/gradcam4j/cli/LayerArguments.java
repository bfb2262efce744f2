package io.gradcam4j.cli;

import io.gradcam4j.cam.methods.MethodContext;
import io.gradcam4j.engine.graph.Graph;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --layer}: the layers of the CAM methods, as explain, evaluate and audit take them. */
final class LayerArguments {

    @Option(names = {"--layer", "--target-layer"}, paramLabel = "NAME[,NAME...]|auto", split = ",",
            description = "Layers of the CAM methods (nested: outer/inner; several are fused). Default auto: the last "
                    + "layer with a spatial output.")
    List<String> layers = new ArrayList<>();

    /**
     * The layers named ({@code auto}, or none: the model's suggested layer), each checked against
     * {@code explained} (the graph of the chosen head) before any work.
     */
    List<String> chosen(LoadedModel model, Graph explained) {
        List<String> names = new ArrayList<>();
        for (String l : layers) {
            String n = l.strip();
            if (!n.isEmpty()) {
                names.add(n.equalsIgnoreCase("auto") ? model.suggestedGradcamLayer() : n);
            }
        }
        if (names.isEmpty()) {
            names.add(model.suggestedGradcamLayer());
        }
        MethodContext.checkLayers(explained, names);
        return names.stream().distinct().toList();
    }
}
