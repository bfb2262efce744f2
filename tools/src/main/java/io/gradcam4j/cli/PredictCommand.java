package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.ImageLoader;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gradcam predict}: the top classes of each image, with the full output vectors in JSON.
 * A model with several outputs (heads) is reported head by head, unless {@code --output} chooses one.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Prints the top classes for each image.")
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    NpyInputs npyInputs;

    @Option(names = "--top", defaultValue = "5", description = "How many classes to show (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", description = "Print a JSON report instead of text.")
    boolean json;

    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images or folders of images.")
    List<Path> images = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path npyInput = npyInputs.images();
        LoadedModel model = ModelLoader.load(modelOptions, npyInputs.named(), Progress.download(System.err));
        model.weightsDigest().beginInBackground();   // its reports need it; hashed beside the predictions
        List<Path> inputs = npyInput != null ? List.of(npyInput)
                : ImageInputs.expand(images).stream().map(ImageInputs.ImageInput::path).toList();
        if (npyInput == null && images.isEmpty()) {
            if (modelOptions.model != null) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException("no images given (IMAGE... or --input X.npy)");
            }
            inputs = DemoImages.extract(java.nio.file.Files.createTempDirectory("gradcam4j-demo"));
        }
        ModelView view = model.view();
        // every head when the model has several and none was chosen; the chosen one otherwise
        List<String> reported = view.outputChosen() ? List.of(view.output()) : view.outputs();
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
                model.graph().requireActivationsFit(Runtime.getRuntime().maxMemory(), x);
                List<HeadOutputs> heads = view.outputs().size() > 1 ? HeadOutputs.all(view, x)
                        : List.of(HeadOutputs.of(view, view.output(), x));
                HeadOutputs chosen = heads.stream().filter(h -> h.name().equals(view.output())).findFirst().orElseThrow();
                ObjectNode r = Reports.JSON.createObjectNode();
                r.set("model", Reports.model(model));
                r.put("image", input.toString());
                Reports.outputs(r, model, heads);
                Reports.predictions(r, model, chosen.values(), chosen.logits(), top);
                reports.add(r);
                if (!json) {
                    System.out.println(input);
                    for (HeadOutputs h : heads) {
                        if (reported.contains(h.name())) {
                            printHead(h, model, reported.size() > 1);
                        }
                    }
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

    /**
     * One head's top classes (percentages) or, for a head without a final softmax or sigmoid, its
     * largest values; labels only for the chosen output, whose classes they name.
     */
    private void printHead(HeadOutputs h, LoadedModel model, boolean named) {
        String indent = "  ";
        if (named) {
            System.out.println("  " + h.name() + " (" + h.activation() + ")");
            indent = "    ";
        }
        boolean own = h.name().equals(model.view().output());
        int[] order = ClassSelection.rank(h.values());
        for (int k = 0; k < Math.min(top, order.length); k++) {
            int c = order[k];
            String label = own ? model.label(c) : Integer.toString(c);
            if (h.activation().equals("none")) {
                System.out.printf("%s%10.4g  %s (%d)%n", indent, h.values()[c], label, c);
            } else {
                System.out.printf("%s%6.2f%%  %s (%d)%n", indent, 100 * h.values()[c], label, c);
            }
        }
    }
}
