package io.gradcam4j.cli;

import io.gradcam4j.keras.KerasModel;
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
        System.out.println(Reports.JSON.writeValueAsString(Reports.layers(loaded)));
        return 0;
    }
}
