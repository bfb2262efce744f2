package io.gradcam4j.engine;

import java.util.List;

/**
 * The output of one forward step and the rule that sends its gradient back.
 *
 * @param temporaries tensors the step made on the way that only {@code backward} may still read
 *     (a chain's intermediate results): when the backward rule is dropped (inference), the graph
 *     executor hands their arrays back to the {@link Workspace}
 */
public record Step(Tensor output, Backward backward, List<Tensor> temporaries) {

    public Step(Tensor output, Backward backward) {
        this(output, backward, List.of());
    }
}
