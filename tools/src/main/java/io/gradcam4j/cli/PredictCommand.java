package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code gradcam predict}: the top classes of each image, with the full output vectors in JSON. */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Prints the top classes for each image.")
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--top", defaultValue = "5", description = "How many classes to show (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Print a JSON report instead of text.")
    boolean json;

    @Option(names = "--input", paramLabel = "X.npy", description = "A preprocessed input (NHWC float32) instead of images.")
    Path npyInput;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images or folders of images.")
    List<Path> images = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        LoadedModel model = ModelLoader.load(modelOptions, Progress.download(System.err));
        model.weightsDigest().beginInBackground();   // its reports need it; hashed beside the predictions
        List<Path> inputs = npyInput != null ? List.of(npyInput)
                : ImageInputs.expand(images).stream().map(ImageInputs.ImageInput::path).toList();
        if (npyInput == null && images.isEmpty()) {
            if (modelOptions.model != null) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException("no images given (IMAGE... or --input X.npy)");
            }
            inputs = DemoImages.extract(java.nio.file.Files.createTempDirectory("gradcam4j-demo"));
        }
        Graph graph = model.model().graph();
        Optional<Graph> logitsGraph = graph.withoutFinalActivation();
        ArrayNode reports = Reports.JSON.createArrayNode();
        Map<Path, Failure> failures = new LinkedHashMap<>();
        // a .npy of N items is N inputs, named x.npy[i] (one report each)
        Tensor npy = npyInput != null ? ImageInputs.batched(Npy.read(npyInput)) : null;
        int count = npy != null ? npy.dim(0) : inputs.size();
        for (int i = 0; i < count; i++) {
            Path input = npy == null ? inputs.get(i) : count == 1 ? npyInput : Path.of(npyInput + "[" + i + "]");
            try {
                Tensor x = npy != null ? npy.item(i)
                        : model.preprocess(ImageLoader.load(input, model.imageOptions()).pixels());
                graph.requireActivationsFit(Runtime.getRuntime().maxMemory(), x);
                // one forward pass: to the logits, then the model's own final activation
                Tensor out = logitsGraph.orElse(graph).predict(x);
                float[] logits = logitsGraph.isPresent() ? out.data() : null;
                float[] probabilities = graph.finalActivation().map(op -> op.apply(out)).orElse(out).data();
                io.gradcam4j.cam.NonFiniteException.requireFinite(out.data(), 0, out.size(), "non-finite-output",
                        "the model's output");
                ObjectNode r = Reports.JSON.createObjectNode();
                r.set("model", Reports.model(model));
                r.put("image", input.toString());
                Reports.predictions(r, model, probabilities, logits, top);
                reports.add(r);
                if (!json) {
                    System.out.println(input);
                    r.get("predictions").forEach(p -> System.out.printf("  %6.2f%%  %s (%d)%n",
                            100 * p.get("probability").asDouble(), p.get("label").asText(), p.get("index").asInt()));
                }
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                failures.put(input, Failure.of(e));
            }
        }
        if (json) {
            System.out.println(Reports.JSON.writeValueAsString(Reports.batch(reports, failures)));
        }
        failures.forEach((p, m) -> System.err.println(p + ": " + m));
        return failures.isEmpty() ? 0 : 1;
    }
}
