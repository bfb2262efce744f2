package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.LayerInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code gradcam layers}: the model summary with the default Grad-CAM layer marked. */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "Prints the model's layers (Keras summary) and marks the default Grad-CAM layer.")
final class LayersCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--json", description = "Print JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadedModel loaded = ModelLoader.load(modelOptions, Progress.download(System.err));
        loaded.weightsDigest().beginInBackground();   // its report needs it; hashed beside the summary
        KerasModel model = loaded.model();
        if (!json) {
            System.out.print(model.summary());
            return 0;
        }
        ObjectNode r = Reports.JSON.createObjectNode();
        r.set("model", Reports.model(loaded));
        r.put("gradcam_layer", model.suggestedGradcamLayer());
        ArrayNode layers = r.putArray("layers");
        for (LayerInfo l : model.layers()) {
            ObjectNode n = layers.addObject();
            n.put("name", l.name());
            n.put("class_name", l.className());
            ArrayNode shape = n.putArray("output_shape");
            int[] s = model.outputShapes().get(l.name());
            for (int i = 1; s != null && i < s.length; i++) {
                shape.add(s[i]);
            }
            var node = model.graph().node(l.name());
            n.put("params", node.isInput() ? 0 : node.op().params().stream().mapToLong(p -> p.value().size()).sum());
            ArrayNode in = n.putArray("inputs");
            l.inputs().forEach(in::add);
        }
        System.out.println(Reports.JSON.writeValueAsString(r));
        return 0;
    }
}
