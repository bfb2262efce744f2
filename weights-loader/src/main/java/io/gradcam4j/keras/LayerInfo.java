package io.gradcam4j.keras;

import java.util.List;

/** One node of a loaded model as Keras names it: node name ({@code outer/inner} when nested), class, inputs. */
public record LayerInfo(String name, String className, List<String> inputs) {
}
