package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.NonFiniteException;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.graph.Graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The output vectors of a model's heads for one input, as the commands report them: each head
 * is run to its logits and its own final softmax or sigmoid is applied to them, so that the
 * logits and the class scores come from one pass (a one-unit sigmoid head reads as two classes,
 * 1 - p and p; a head without a final activation gives its values as they are).
 *
 * @param name the output's name
 * @param activation {@code softmax}, {@code sigmoid} or {@code none}
 * @param values per class: the probabilities, or the raw values of a head without activation
 * @param logits the values before the final activation; null when there is none
 */
record HeadOutputs(String name, String activation, float[] values, float[] logits) {

    /** The output called {@code name} of {@code view} for {@code x}, a batch of one. */
    static HeadOutputs of(ModelView view, String name, Tensor x) {
        Graph head = view.head(name);
        Optional<Graph> logitsGraph = head.withoutFinalActivation();
        Tensor z = logitsGraph.orElse(head).predict(x);
        NonFiniteException.requireFinite(z.data(), 0, z.size(), "non-finite-output", "the model's output " + name);
        Optional<Op> last = logitsGraph.isPresent() ? head.finalActivation() : Optional.empty();
        float[] values = last.map(op -> op.apply(z)).orElse(z).data();
        return new HeadOutputs(name, last.map(Op::describe).orElse("none"), values,
                logitsGraph.isPresent() ? z.data() : null);
    }

    /** Every output of {@code view} for {@code x}, in the model's order. */
    static List<HeadOutputs> all(ModelView view, Tensor x) {
        List<HeadOutputs> all = new ArrayList<>();
        for (String name : view.outputs()) {
            all.add(of(view, name, x));
        }
        return all;
    }

    /** {@code {"name", "shape", "activation", "values", "logits"}} of this head. */
    ObjectNode json(ModelView view) {
        ObjectNode n = Reports.JSON.createObjectNode();
        n.put("name", name);
        ArrayNode shape = n.putArray("shape");
        int[] s = view.model().outputShapes().get(name);
        for (int i = 1; s != null && i < s.length; i++) {
            shape.add(s[i]);
        }
        n.put("activation", activation);
        ArrayNode v = n.putArray("values");
        for (float f : values) {
            v.add(f);
        }
        if (logits != null) {
            ArrayNode l = n.putArray("logits");
            for (float f : logits) {
                l.add(f);
            }
        }
        return n;
    }
}
