package io.gradcam4j.cam.methods;

import io.gradcam4j.cam.NonFiniteException;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.BackwardRules;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.ReluRule;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Downstream;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.graph.Recording;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a method works with: the model, the batch of images, one forward pass of the batch with
 * the needed layers tapped, each image's output and classes, and the passes a method may ask
 * for — gradients at a tap (one backward pass per class slot serves the whole batch, cached),
 * scores and input gradients of perturbed inputs (run in batches), and the model run again from
 * a replaced layer value.
 *
 * <p>The graph run is the model without its final softmax or sigmoid, which is applied here, so
 * that a logit and a probability come from one forward pass.
 */
public final class MethodContext {
    private final Graph logitsGraph;
    private final Optional<Op> finalActivation;
    private final Tensor images;
    private final ExplainRequest request;
    private final Recording recording;
    private final Tensor output;
    private final float[][] probabilities;
    private final float[][] logits;
    private final List<List<Integer>> classes;
    private final String inputName;
    private final Map<String, Map<String, Tensor>> gradients = new HashMap<>();
    private final long[] forwardPasses;
    private final long[] backwardPasses;
    private final double forwardMillis;

    private MethodContext(Graph model, Tensor images, ExplainRequest request, Set<String> taps) {
        Optional<Graph> withoutFinal = model.withoutFinalActivation();
        this.logitsGraph = withoutFinal.orElse(model);
        this.finalActivation = withoutFinal.isPresent() ? model.finalActivation() : Optional.empty();
        this.images = images;
        this.request = request;
        this.inputName = model.inputs().get(0).name();
        int perImage = images.size() / images.dim(0);
        for (int i = 0; i < images.dim(0); i++) {
            NonFiniteException.requireFinite(images.data(), i * perImage, (i + 1) * perImage, "non-finite-input",
                    "image " + i + " of the batch");
        }
        long t0 = System.nanoTime();
        this.recording = logitsGraph.record(new Tensor[] {images}, Mode.INFERENCE, taps, false);
        this.output = recording.output();
        this.forwardMillis = (System.nanoTime() - t0) / 1e6;
        int n = images.dim(0);
        int classCount = output.size() / n;
        Tensor squashed = finalActivation.map(op -> op.apply(output)).orElse(output);
        for (int i = 0; i < n; i++) {
            NonFiniteException.requireFinite(output.data(), i * classCount, (i + 1) * classCount, "non-finite-output",
                    "the model's output for image " + i + " (its weights or this input overflow)");
        }
        this.probabilities = rows(squashed, n, classCount);
        this.logits = finalActivation.isPresent() ? rows(output, n, classCount) : null;
        this.classes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            classes.add(chosenClasses(request.classes().classes(i, probabilities[i].clone()), probabilities[i]));
        }
        this.forwardPasses = new long[n];
        this.backwardPasses = new long[n];
        java.util.Arrays.fill(forwardPasses, 1);
    }

    /**
     * Runs the batch forward with {@code layers} tapped (and the input, when the method reads the
     * gradient of the image itself).
     */
    static MethodContext start(Graph model, Tensor images, ExplainRequest request, boolean tapInput) {
        if (model.inputs().size() != 1) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("explanations need a model with one input; this one has "
                    + model.inputs().size() + ": hold the others at fixed values (Graph.withFixedInputs; on the "
                    + "command line --input NAME=X.npy)");
        }
        if (images.rank() != 4) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("images must be a batch (N, H, W, C), got " + images);
        }
        checkLayers(model, request.layers());
        Set<String> taps = new LinkedHashSet<>(request.layers());
        if (tapInput) {
            taps.add(model.inputs().get(0).name());
        }
        model.requireActivationsFit(Runtime.getRuntime().maxMemory(), images);
        return new MethodContext(model, images, request, taps);
    }

    /**
     * Refuses names that are not layers a map can be made at: unknown names (listing the valid
     * ones), the model's input, and the final softmax or sigmoid that explanations run around.
     */
    public static void checkLayers(Graph model, List<String> layers) {
        Graph logits = model.withoutFinalActivation().orElse(model);
        for (String layer : layers) {
            if (model.node(layer).isInput()) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException("'" + layer + "' is the model's input, not a layer: a map at a layer "
                        + "weighs that layer's activations (input-space methods such as saliency explain the input)");
            }
            if (logits.nodes().stream().noneMatch(n -> n.name().equals(layer))) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException("'" + layer + "' is the model's final softmax or sigmoid, which "
                        + "explanations run around; choose a spatial layer before the head");
            }
        }
    }

    private static float[][] rows(Tensor t, int n, int width) {
        float[][] r = new float[n][];
        for (int i = 0; i < n; i++) {
            r[i] = java.util.Arrays.copyOfRange(t.data(), i * width, (i + 1) * width);
        }
        return r;
    }

    private static List<Integer> chosenClasses(List<Integer> chosen, float[] probabilities) {
        List<Integer> list = chosen.isEmpty() ? List.of(argmax(probabilities)) : chosen;
        for (int c : list) {
            if (c < 0 || c >= probabilities.length) {
                throw new io.gradcam4j.engine.errors.InvalidRequestException("class " + c + " is out of range: the model has "
                        + probabilities.length + " classes (0.." + (probabilities.length - 1) + ")");
            }
        }
        return List.copyOf(list);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    // ---- the batch and its first forward pass

    public ExplainRequest request() {
        return request;
    }

    public MethodOptions options() {
        return request.options();
    }

    public ScoreKind scoreKind() {
        return request.scoreKind();
    }

    public int batchSize() {
        return images.dim(0);
    }

    /** Image {@code i} as the model sees it, (1, H, W, C). */
    public Tensor input(int image) {
        return images.item(image);
    }

    /** The classes to explain for image {@code i}. */
    public List<Integer> classes(int image) {
        return classes.get(image);
    }

    public float[] probabilities(int image) {
        return probabilities[image];
    }

    /** The logits of image {@code i}, or {@code null} when the model has no final softmax or sigmoid. */
    public float[] logits(int image) {
        return logits == null ? null : logits[image];
    }

    /** The explained score of the target on the unperturbed image. */
    public float score(Target t) {
        return throughFinalActivation() || logits == null ? probabilities[t.image()][t.classIndex()]
                : logits[t.image()][t.classIndex()];
    }

    double forwardMillis() {
        return forwardMillis;
    }

    /** The tapped layer's output for image {@code i}, (1, h, w, K). */
    public Tensor activation(String layer, int image) {
        return recording.value(layer).item(image);
    }

    /** The model without its final softmax or sigmoid (or the model itself when it has none). */
    public Graph logitsGraph() {
        return logitsGraph;
    }

    // ---- gradients of the first forward pass

    /**
     * dS/d(tap) for the target's image, (1, ...): one backward pass per class slot and rule
     * serves every image of the batch and every tap, and is kept for the next method's question.
     */
    public Tensor gradient(String tap, Target t, ReluRule rule) {
        String key = t.slot() + "/" + rule;
        Map<String, Tensor> all = gradients.get(key);
        if (all == null) {
            int[] slotClasses = new int[batchSize()];
            for (int i = 0; i < slotClasses.length; i++) {
                List<Integer> cs = classes.get(i);
                slotClasses[i] = t.slot() < cs.size() ? cs.get(t.slot()) : -1;
                if (slotClasses[i] >= 0) {
                    backwardPasses[i]++;
                }
            }
            all = recording.backward(seed(output, slotClasses), BackwardRules.relu(rule));
            gradients.put(key, all);
        }
        return all.get(tap).item(t.image());
    }

    /** The name of the model's input, a tap of the first pass when the method asked for it. */
    public String inputName() {
        return inputName;
    }

    // ---- further passes, in batches

    /** Writes the i-th of a series of perturbed inputs (one image, H x W x C values) into {@code into}. */
    @FunctionalInterface
    public interface Perturbation {
        void write(int index, float[] into);
    }

    /** Hears the input gradient of the i-th perturbed input. */
    @FunctionalInterface
    public interface GradientSink {
        void accept(int index, float[] gradient);
    }

    /**
     * The explained score of the target's class for {@code count} perturbed inputs, made and run
     * through the network {@link MethodOptions#batchSize()} at a time (never all at once: Score-CAM
     * of a large layer makes thousands); counted as forward passes of the target's image.
     */
    public float[] scores(int count, Perturbation inputs, Target t) {
        float[] scores = new float[count];
        int batch = options().batchSizeOr16();
        for (int from = 0; from < count; from += batch) {
            int to = Math.min(count, from + batch);
            Tensor out = logitsGraph.predict(perturbedBatch(inputs, from, to));
            float[] s = scoresOf(out, t.classIndex());
            System.arraycopy(s, 0, scores, from, s.length);
            forwardPasses[t.image()] += to - from;
            request.progress().advanced("forward passes", to, count);
        }
        return scores;
    }

    /**
     * dS/dx of the target's class at {@code count} perturbed inputs, under {@code rules}, in
     * batches; a listener of bias gradients makes it run the unfused graph one input at a time
     * (folding merges the biases, and the listener hears each input's gradients apart).
     */
    public void inputGradients(int count, Perturbation inputs, Target t, BackwardRules rules, GradientSink sink) {
        Graph graph = rules.biases() != null ? logitsGraph.withoutFusion() : logitsGraph;
        int batch = rules.biases() != null ? 1 : options().batchSizeOr16();
        for (int from = 0; from < count; from += batch) {
            int to = Math.min(count, from + batch);
            Recording r = graph.record(new Tensor[] {perturbedBatch(inputs, from, to)}, Mode.INFERENCE,
                    List.of(inputName), false);
            int[] cs = new int[to - from];
            java.util.Arrays.fill(cs, t.classIndex());
            Tensor g = r.backward(seed(r.output(), cs), rules).get(inputName);
            int size = g.size() / (to - from);
            for (int i = from; i < to; i++) {
                sink.accept(i, java.util.Arrays.copyOfRange(g.data(), (i - from) * size, (i - from + 1) * size));
            }
            forwardPasses[t.image()] += to - from;
            backwardPasses[t.image()] += to - from;
            request.progress().advanced("gradients", to, count);
        }
    }

    private Tensor perturbedBatch(Perturbation inputs, int from, int to) {
        int[] one = images.shape();
        one[0] = 1;
        return batchOf(one, inputs, from, to);
    }

    /** Items {@code [from, to)} of a series, each of shape {@code one} (a batch of 1). */
    private static Tensor batchOf(int[] one, Perturbation inputs, int from, int to) {
        int[] shape = one.clone();
        shape[0] = to - from;
        int size = (int) Tensor.sizeOf(one);
        float[] data = new float[(to - from) * size];
        float[] item = new float[size];
        for (int i = from; i < to; i++) {
            inputs.write(i, item);
            System.arraycopy(item, 0, data, (i - from) * size, size);
        }
        return Tensor.of(data, shape);
    }

    /**
     * The explained score after replacing the layer's output of the target's image by each of
     * {@code count} values (h x w x K each, written by {@code replaced}): only the layers after
     * it run again, in batches.
     */
    public float[] scoresFromLayer(String layer, int count, Perturbation replaced, Target t) {
        Downstream after = logitsGraph.downstreamOf(layer);
        Map<String, Tensor> frontier = new HashMap<>();
        if (!after.frontier().isEmpty()) {
            Recording r = logitsGraph.record(new Tensor[] {input(t.image())}, Mode.INFERENCE, after.frontier(), false);
            for (String name : after.frontier()) {
                frontier.put(name, r.value(name));
            }
            forwardPasses[t.image()]++;
        }
        Tensor layerValue = activation(layer, t.image());
        float[] scores = new float[count];
        int batch = options().batchSizeOr16();
        for (int from = 0; from < count; from += batch) {
            int to = Math.min(count, from + batch);
            float[] s = scoresOf(after.run(batchOf(layerValue.shape(), replaced, from, to), frontier), t.classIndex());
            System.arraycopy(s, 0, scores, from, s.length);
            forwardPasses[t.image()] += to - from;
            request.progress().advanced("forward passes from " + layer, to, count);
        }
        return scores;
    }

    // ---- scores and seeds

    private boolean throughFinalActivation() {
        return scoreKind() == ScoreKind.PROBABILITY && finalActivation.isPresent();
    }

    /** The explained score of {@code classIndex} in each row of a logits output. */
    private float[] scoresOf(Tensor out, int classIndex) {
        Tensor s = throughFinalActivation() ? finalActivation.get().apply(out) : out;
        int n = out.dim(0);
        int width = out.size() / n;
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = s.data()[i * width + classIndex];
        }
        return r;
    }

    /** dS/d(logits) for row i's class {@code classes[i]} (none when negative). */
    private Tensor seed(Tensor out, int[] rowClasses) {
        int width = out.size() / out.dim(0);
        Tensor seed = Tensor.zeros(out.shape());
        for (int i = 0; i < rowClasses.length; i++) {
            if (rowClasses[i] >= 0) {
                seed.data()[i * width + rowClasses[i]] = 1f;
            }
        }
        if (throughFinalActivation()) {
            seed = finalActivation.get().forward(new Tensor[] {out}, Mode.INFERENCE).backward().apply(seed, null)[0];
        }
        return seed;
    }

    // ---- bookkeeping

    long forwardPasses(int image) {
        return forwardPasses[image];
    }

    long backwardPasses(int image) {
        return backwardPasses[image];
    }
}
