package io.gradcam4j.cli;

import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.engine.ops.FeatureSum;

import java.util.List;
import java.util.Locale;

/**
 * {@code explain --score}: the number a map explains. For a classifier, the class's logit (the
 * default) or its probability. For a feature extractor (an application without its top, whose
 * output is features rather than classes), {@code sum}: every value of the output added, or
 * {@code channel:K}: channel K added over all its positions; these are added to the graph as
 * one more node after the output ({@link Graph#then}), so the methods explain them as they would
 * a class.
 *
 * @param name as given, lower case: the JSON's {@code score}
 * @param kind the methods' score kind
 * @param featureSum for a feature extractor, what is added; null for a classifier's score
 * @param channel the channel of {@code channel:K}, 0 for {@code sum}
 */
public record ScoreChoice(String name, ScoreKind kind, FeatureSum.Over featureSum, int channel) {

    public static ScoreChoice parse(String s) {
        String n = s.toLowerCase(Locale.ROOT).strip();
        if (n.equals("logit") || n.equals("probability")) {
            return new ScoreChoice(n, ExplainCommand.parseScore(n), null, 0);
        }
        if (n.equals("sum")) {
            return new ScoreChoice(n, ScoreKind.LOGIT, FeatureSum.Over.ALL, 0);
        }
        if (n.matches("channel:\\d+")) {
            return new ScoreChoice(n, ScoreKind.LOGIT, FeatureSum.Over.POSITIONS, Integer.parseInt(n.substring(8)));
        }
        throw new InvalidRequestException("--score must be logit, probability, sum or channel:K (K a channel "
                + "index from 0), not " + s);
    }

    /** Whether this scores a feature extractor's output (sum, channel:K). */
    public boolean onFeatures() {
        return featureSum != null;
    }

    /**
     * The graph whose output the methods explain: {@code model}'s chosen output as it is, or the
     * feature sums after it. A feature score of a classifier (a final softmax or sigmoid) is
     * refused, as is a channel the output does not have.
     */
    public Graph explained(LoadedModel model) {
        Graph head = model.graph();
        if (!onFeatures()) {
            return head;
        }
        if (head.finalActivation().isPresent()) {
            throw new InvalidRequestException("--score " + name + " is for a feature extractor, whose output is "
                    + "features; the output " + model.view().output() + " ends in a "
                    + head.finalActivation().get().describe() + ": explain a class with --score logit or probability");
        }
        int[] shape = model.model().outputShapes().get(model.view().output());
        int channels = shape[shape.length - 1];
        if (channel >= channels) {
            throw new InvalidRequestException("--score " + name + ": the output " + model.view().output()
                    + " has " + channels + " channels (0.." + (channels - 1) + ")");
        }
        return head.then(name, new FeatureSum(featureSum));
    }

    /** The class the feature score is, for the methods: 0 (the sum) or K; empty for a classifier. */
    public List<Integer> classes() {
        return onFeatures() ? List.of(channel) : List.of();
    }
}
