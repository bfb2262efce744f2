package io.gradcam4j.cam.methods;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every explanation method by the name the CLI, the JSON, {@code gradcam bench} and the web page
 * use. Adding a method is one class and one line here.
 */
public final class Methods {
    private static final Map<String, Supplier<ExplanationMethod>> BY_NAME = new LinkedHashMap<>();

    static {
        // the CAM family, at a layer
        add(GradCam::new);
        add(GradCamPlusPlus::new);
        add(XGradCam::new);
        add(HiResCam::new);
        add(GradCamElementwise::new);
        add(LayerCam::new);
        add(EigenCam::new);
        add(EigenGradCam::new);
        add(ScoreCam::new);
        add(AblationCam::new);
        add(Cam::new);
        add(FullGrad::new);
        // the sign
        add(Counterfactual::new);
        add(GradCamSigned::new);
        // the input space
        add(Saliency::new);
        add(InputXGradient::new);
        add(GuidedBackprop::new);
        add(Deconvnet::new);
        add(GuidedGradCam::new);
        add(SmoothGrad::new);
        add(IntegratedGradients::new);
        add(Occlusion::new);
        add(Rise::new);
    }

    private Methods() {
    }

    private static void add(Supplier<ExplanationMethod> make) {
        BY_NAME.put(make.get().name(), make);
    }

    /** All names, in the order above. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** A fresh instance of the method called {@code name}; an unknown name lists the valid ones. */
    public static ExplanationMethod byName(String name) {
        Supplier<ExplanationMethod> make = BY_NAME.get(name.trim().toLowerCase(Locale.ROOT));
        if (make == null) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("unknown method '" + name + "'; methods: " + String.join(", ", names()));
        }
        return make.get();
    }
}
