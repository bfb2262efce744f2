package io.gradcam4j.demo;

import io.gradcam4j.cam.CamStatus;
import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Explanation;
import io.gradcam4j.cam.Overlay;
import io.gradcam4j.cam.ScoreKind;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.engine.graph.Graph;
import io.gradcam4j.keras.KerasH5File;
import io.gradcam4j.keras.KerasModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a shapes model does on a {@link HeldOutSet}: its accuracy, and where its Grad-CAM map for the
 * predicted class lies — the <em>on-object share</em>, the part of the map's positive mass that
 * falls inside the object's mask once the map is upsampled bilinearly to the picture
 * ({@link Overlay#upsample}). A model that looks at the shape scores high; one that reads the
 * class off the background scores low, whatever its accuracy. A map with no positive evidence
 * counts as share 0 (it shows nothing on the object), a flat map as the mask's share of the picture.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp tools/target/gradcam.jar io.gradcam4j.demo.HeldOutEvaluation \
 *        MODEL.h5 testdata/shapes/heldout [testdata/shapes/swapped ...]
 * </pre>
 */
public final class HeldOutEvaluation {
    /**
     * @param accuracy fraction of pictures whose top class is their folder's class
     * @param onObjectShare mean over the pictures of the on-object share of the predicted class's map
     * @param confusion {@code confusion[true][predicted]} counts
     */
    public record Result(double accuracy, double onObjectShare, int count, int[][] confusion) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "accuracy %.3f, on-object share %.3f, %d pictures", accuracy,
                    onObjectShare, count);
        }
    }

    private HeldOutEvaluation() {
    }

    /** Grad-CAM at {@code layer} for each picture's predicted class. */
    public static Result evaluate(Graph graph, String layer, HeldOutSet set) {
        int classes = ShapesDataset.CLASSES.size();
        int[][] confusion = new int[classes][classes];
        int correct = 0;
        double shares = 0;
        for (HeldOutSet.Item item : set.items()) {
            Explanation e = Methods.byName("gradcam").explain(graph, item.input(), layer, List.of(), ScoreKind.LOGIT);
            int predicted = PointingGame.argmax(e.probabilities());
            confusion[item.label()][predicted]++;
            correct += predicted == item.label() ? 1 : 0;
            shares += onObjectShare(e.maps().get(0), item.mask(), item.width(), item.height());
        }
        int n = set.size();
        return new Result((double) correct / n, shares / n, n, confusion);
    }

    /**
     * The share of the map's positive mass inside the mask, the map upsampled bilinearly to
     * {@code width x height}; 0 for a map without positive evidence, the mask's share of the picture
     * for a flat map (the same mass everywhere).
     */
    public static double onObjectShare(ClassMap map, boolean[] mask, int width, int height) {
        if (map.status() == CamStatus.FLAT_MAP) {
            int inside = 0;
            for (boolean m : mask) {
                inside += m ? 1 : 0;
            }
            return (double) inside / mask.length;
        }
        if (map.status() != CamStatus.OK) {
            return 0;
        }
        float[] up = Overlay.upsample(map.normalized(), width, height);
        double inside = 0;
        double total = 0;
        for (int i = 0; i < up.length; i++) {
            double v = Math.max(0, up[i]);
            total += v;
            if (mask[i]) {
                inside += v;
            }
        }
        return total > 0 ? inside / total : 0;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: HeldOutEvaluation MODEL.h5 SET_DIR...");
            System.exit(2);
        }
        KerasModel model = KerasH5File.loadModel(Path.of(args[0]));
        String layer = model.suggestedGradcamLayer();
        int size = model.inputShape()[0];
        List<String> rows = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            HeldOutSet set = HeldOutSet.load(Path.of(args[i]), size);
            Result r = evaluate(model.graph(), layer, set);
            rows.add(args[i] + ": " + r);
            System.out.println(args[0] + " (layer " + layer + ", input " + size + ") on " + args[i] + ": " + r);
            System.out.println(confusionTable(r.confusion()));
        }
    }

    static String confusionTable(int[][] confusion) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%10s", "true\\pred"));
        for (String c : ShapesDataset.CLASSES) {
            b.append(String.format(Locale.ROOT, "%9s", c));
        }
        for (int t = 0; t < confusion.length; t++) {
            b.append(String.format(Locale.ROOT, "%n%10s", ShapesDataset.CLASSES.get(t)));
            for (int p = 0; p < confusion[t].length; p++) {
                b.append(String.format(Locale.ROOT, "%9d", confusion[t][p]));
            }
        }
        return b.toString();
    }
}
