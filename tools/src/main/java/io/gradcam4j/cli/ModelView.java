package io.gradcam4j.cli;

import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the commands run of a loaded model. A model with several outputs (heads) is explained and
 * predicted at the one {@code --output} names, the first by default. A model with several inputs
 * takes the image at the input whose shape is an image (H, W, C), or at {@code --image-input},
 * and holds every other input at the value {@code --input NAME=X.npy} gives it.
 */
final class ModelView {
    private final KerasModel model;
    private final String output;
    private final boolean outputChosen;
    private final String imageInput;
    private final Map<String, Path> heldFiles;
    private Graph allHeads;

    private ModelView(KerasModel model, String output, boolean outputChosen, String imageInput,
                      Map<String, Path> heldFiles) {
        this.model = model;
        this.output = output;
        this.outputChosen = outputChosen;
        this.imageInput = imageInput;
        this.heldFiles = Map.copyOf(heldFiles);
    }

    /**
     * The view {@code --output}, {@code --image-input} and {@code --input NAME=X.npy} ask for
     * (each may be null or empty); names are checked here, the held values are read when the
     * graph is first needed (so that {@code layers} needs none).
     */
    static ModelView of(KerasModel model, String outputOption, String imageInputOption, Map<String, Path> held) {
        List<String> inputs = new ArrayList<>(model.inputShapes().keySet());
        for (String name : held.keySet()) {
            if (!inputs.contains(name)) {
                throw new InvalidRequestException("--input " + name + "=...: the model has no input named '" + name
                        + "'; its inputs: " + inputsText(model));
            }
        }
        String image = imageInput(model, imageInputOption, held);
        String output = outputOption == null ? model.outputNames().get(0) : outputName(model, outputOption);
        return new ModelView(model, output, outputOption != null, image, held);
    }

    /** {@code --output NAME|INDEX} as an output name; an unknown one lists the outputs. */
    private static String outputName(KerasModel model, String option) {
        List<String> names = model.outputNames();
        if (names.contains(option)) {
            return option;
        }
        if (option.matches("\\d+") && Integer.parseInt(option) < names.size()) {
            return names.get(Integer.parseInt(option));
        }
        throw new InvalidRequestException("--output " + option + ": the model has no such output; its outputs: "
                + headsText(model) + " (give a name or an index from 0)");
    }

    /**
     * The input the image goes to: {@code --image-input}, else the only input without a held
     * value, or among several the only one shaped like an image.
     */
    private static String imageInput(KerasModel model, String option, Map<String, Path> held) {
        Map<String, int[]> shapes = model.inputShapes();
        if (option != null) {
            if (!shapes.containsKey(option)) {
                throw new InvalidRequestException("--image-input " + option + ": the model has no such input; its inputs: "
                        + inputsText(model));
            }
            if (held.containsKey(option)) {
                throw new InvalidRequestException("input '" + option + "' is both --image-input and given by --input "
                        + option + "=...");
            }
            return option;
        }
        List<String> free = shapes.keySet().stream().filter(n -> !held.containsKey(n)).toList();
        if (free.isEmpty()) {
            throw new InvalidRequestException("every input of the model is given by --input NAME=X.npy; one must take "
                    + "the image: its inputs are " + inputsText(model));
        }
        if (free.size() == 1) {
            return free.get(0);
        }
        List<String> images = free.stream().filter(n -> shapes.get(n).length == 3).toList();
        if (images.size() == 1) {
            return images.get(0);
        }
        throw new InvalidRequestException("the model has " + shapes.size() + " inputs (" + inputsText(model) + ") and "
                + (images.isEmpty() ? "none" : images.size()) + " of those without a value look like an image: name "
                + "the image's with --image-input NAME and give the others with --input NAME=X.npy");
    }

    KerasModel model() {
        return model;
    }

    /** The chosen output (head): the one explained and, when chosen, the only one predicted. */
    String output() {
        return output;
    }

    /** Whether {@code --output} chose it (else it is the first). */
    boolean outputChosen() {
        return outputChosen;
    }

    List<String> outputs() {
        return model.outputNames();
    }

    /** The input that takes the image. */
    String imageInput() {
        return imageInput;
    }

    /** The image input's shape without batch (-1 where Keras has None). */
    int[] imageShape() {
        return model.inputShapes().get(imageInput).clone();
    }

    /** The graph the commands explain: the image as its only input, the chosen output. */
    Graph graph() {
        return head(output);
    }

    /** The graph of the output called {@code name}, the image as its only input. */
    Graph head(String name) {
        return allHeads().withOutput(name);
    }

    /** The default Grad-CAM layer on the way to the chosen output. */
    String suggestedGradcamLayer() {
        return model.suggestedGradcamLayer(output);
    }

    /** The classes of the chosen output as the methods see them (a one-unit sigmoid has two). */
    int classCount() {
        Graph head = model.graph().withOutput(output);
        Graph scores = head.withoutFinalActivation().orElse(head);
        Tensor[] zeros = model.inputShapes().values().stream().map(ModelView::zerosFor).toArray(Tensor[]::new);
        int[] shape = scores.outputShapes(zeros).get(scores.output().name());
        return shape[shape.length - 1];
    }

    /** Every output with its shape, e.g. {@code age_output (None, 1), gender_output (None, 2)}. */
    String headsText() {
        return headsText(model);
    }

    /**
     * For a model with several outputs, which one is explained and how to choose another; empty
     * for a model with one.
     */
    String outputNote() {
        if (outputs().size() == 1) {
            return "";
        }
        return "the model has " + outputs().size() + " outputs, " + headsText() + "; this is " + output
                + (outputChosen ? " (--output)" : ", the first: choose another with --output NAME|INDEX");
    }

    private synchronized Graph allHeads() {
        if (allHeads == null) {
            Map<String, Tensor> values = new LinkedHashMap<>();
            for (String name : model.inputShapes().keySet()) {
                if (!name.equals(imageInput)) {
                    values.put(name, heldValue(name));
                }
            }
            allHeads = model.graph().withFixedInputs(values);
        }
        return allHeads;
    }

    /** The value of a held input, read from its file, as a batch of one of the input's shape. */
    private Tensor heldValue(String name) {
        int[] declared = model.inputShapes().get(name);
        Path file = heldFiles.get(name);
        if (file == null) {
            throw new InvalidRequestException("the model's input '" + name + "' " + shapeText(declared)
                    + " needs a value: --input " + name + "=X.npy (explain, predict, evaluate, audit; the image goes to '"
                    + imageInput + "')");
        }
        Tensor t;
        try {
            t = Npy.read(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("--input " + name + "=" + file + ": " + e.getMessage(), e);
        }
        Tensor batch = t.rank() == declared.length ? t.reshape(withBatchOfOne(t.shape())) : t;
        if (!fits(batch.shape(), declared)) {
            throw new InvalidRequestException("--input " + name + "=" + file + " holds " + Arrays.toString(t.shape())
                    + " but the input '" + name + "' takes " + shapeText(declared) + " (a batch of one)");
        }
        return batch;
    }

    private static boolean fits(int[] batch, int[] declared) {
        if (batch.length != declared.length + 1 || batch[0] != 1) {
            return false;
        }
        for (int i = 0; i < declared.length; i++) {
            if (declared[i] > 0 && declared[i] != batch[i + 1]) {
                return false;
            }
        }
        return true;
    }

    private static int[] withBatchOfOne(int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = 1;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    private static Tensor zerosFor(int[] declared) {
        int[] s = withBatchOfOne(declared);
        for (int i = 1; i < s.length; i++) {
            s[i] = s[i] > 0 ? s[i] : KerasModel.DEFAULT_SPATIAL_SIZE;
        }
        return Tensor.zeros(s);
    }

    private static String headsText(KerasModel model) {
        return model.outputNames().stream().map(o -> o + " " + shapeText(dropBatch(model.outputShapes().get(o))))
                .collect(Collectors.joining(", "));
    }

    private static String inputsText(KerasModel model) {
        return model.inputShapes().entrySet().stream().map(e -> e.getKey() + " " + shapeText(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static int[] dropBatch(int[] shape) {
        return shape == null ? null : Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** A shape without batch as Keras prints it: {@code (None, 128, 128, 3)}. */
    static String shapeText(int[] withoutBatch) {
        if (withoutBatch == null) {
            return "(?)";
        }
        return "(None" + Arrays.stream(withoutBatch).mapToObj(d -> ", " + (d > 0 ? Integer.toString(d) : "None"))
                .collect(Collectors.joining()) + ")";
    }
}
