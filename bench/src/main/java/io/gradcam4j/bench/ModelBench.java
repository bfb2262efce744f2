package io.gradcam4j.bench;

import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.applications.Applications;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Whole models, batch 1, seeded weights (no download): a forward pass, and a Grad-CAM (forward
 * to the logits, backward to the default layer, the map) as {@code gradcam bench} times them.
 * The fork's heap is 1 GB, what VGG19 (143 M weights) needs; Xception also runs in 512 MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class ModelBench {
    @Param({"mobilenet_0.25_128", "xception", "vgg19"})
    public String model;

    private KerasModel keras;
    private Tensor image;
    private String layer;

    @Setup
    public void setup() {
        keras = Applications.seeded(Applications.byName(model));
        int[] s = keras.inputShape();
        image = Tensor.zeros(1, s[0], s[1], s[2]);
        Random r = new Random(1);
        for (int i = 0; i < image.size(); i++) {
            image.data()[i] = r.nextFloat() * 2 - 1;
        }
        layer = keras.suggestedGradcamLayer();
    }

    @Benchmark
    public Tensor forward() {
        return keras.graph().predict(image);
    }

    @Benchmark
    public Object gradcam() {
        return Methods.byName("gradcam").explain(keras.graph(), image, layer, List.of(), ScoreKind.LOGIT);
    }
}
