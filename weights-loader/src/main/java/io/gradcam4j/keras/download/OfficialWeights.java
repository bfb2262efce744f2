package io.gradcam4j.keras.download;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keras.applications ImageNet weights gradcam4j knows, with the URLs and hashes Keras itself
 * uses. Read from keras-team/keras at commit 3422977a5e38 (Aug 2026):
 * <ul>
 *   <li>keras/src/applications/vgg16.py, vgg19.py, xception.py: {@code WEIGHTS_PATH},
 *       {@code WEIGHTS_PATH_NO_TOP} and the {@code file_hash} passed to {@code get_file}
 *       with {@code cache_subdir="models"};</li>
 *   <li>keras/src/applications/mobilenet.py: {@code BASE_WEIGHT_PATH} and the file names
 *       {@code mobilenet_%s_%d_tf.h5} / {@code mobilenet_%s_%d_tf_no_top.h5}, where %s is
 *       {@code 1_0}, {@code 7_5}, {@code 5_0} or {@code 2_5} for alpha 1.0/0.75/0.50/0.25 and
 *       %d the input size. Keras passes <b>no</b> hash for MobileNet (neither here nor in
 *       Keras 2.1.6, v2.15.0, v3.0.0), so none is stored; such files are checked for the HDF5
 *       signature and their Content-Length only.</li>
 * </ul>
 * The md5 hashes are identical in Keras 2.1.6 (then served from github.com/fchollet/
 * deep-learning-models/releases), v2.15.0, v3.0.0 and HEAD: the files never changed, only the host.
 */
public enum OfficialWeights {
    VGG16("vgg16",
            "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b",
            "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"),
    VGG19("vgg19",
            "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318",
            "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6"),
    XCEPTION("xception",
            "xception/xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6",
            "xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97"),
    /** MobileNet v1; {@link #withTop} gives alpha 1.0 at 224, {@link #mobilenet} any other. */
    MOBILENET("mobilenet", null, null, null, null);

    /** Where Keras downloads keras.applications weights from (every module above). */
    public static final URI KERAS_BASE_URL = URI.create("https://storage.googleapis.com/tensorflow/keras-applications/");
    /** Keras's {@code cache_subdir} for every keras.applications weights file. */
    public static final String CACHE_SUBDIR = "models";
    /** The MobileNet width multipliers with published weights, as gradcam4j names them. */
    public static final List<String> MOBILENET_ALPHAS = List.of("0.25", "0.50", "0.75", "1.0");
    /** The MobileNet input sizes with published weights. */
    public static final List<Integer> MOBILENET_SIZES = List.of(128, 160, 192, 224);
    static final String NO_TOP = "_no_top";
    /** How mobilenet.py spells alpha in file names ({@code alpha_text}). */
    private static final Map<String, String> KERAS_ALPHA_TEXT =
            Map.of("0.25", "2_5", "0.50", "5_0", "0.75", "7_5", "1.0", "1_0");

    private final String baseName;
    private final String topPath;
    private final String topHash;
    private final String noTopPath;
    private final String noTopHash;

    OfficialWeights(String baseName, String topPath, String topHash, String noTopPath, String noTopHash) {
        this.baseName = baseName;
        this.topPath = topPath;
        this.topHash = topHash;
        this.noTopPath = noTopPath;
        this.noTopHash = noTopHash;
    }

    /** The weights with or without the ImageNet classifier ("include_top" in Keras). */
    public WeightsFile withTop(boolean top) {
        if (this == MOBILENET) {
            return mobilenet(1.0, 224, top);
        }
        String path = top ? topPath : noTopPath;
        String name = top ? baseName : baseName + NO_TOP;
        return new WeightsFile(name, path.substring(path.lastIndexOf('/') + 1), path,
                top ? topHash : noTopHash, CACHE_SUBDIR);
    }

    /** MobileNet v1 weights for alpha 0.25/0.5/0.75/1.0 and size 128/160/192/224. */
    public static WeightsFile mobilenet(double alpha, int size, boolean top) {
        String alphaName = alphaName(alpha);
        if (!MOBILENET_SIZES.contains(size)) {
            throw new UnknownWeightsException("no MobileNet weights for input size " + size
                    + "; Keras publishes sizes " + MOBILENET_SIZES);
        }
        String alphaText = KERAS_ALPHA_TEXT.get(alphaName);
        String fileName = String.format(Locale.ROOT, "mobilenet_%s_%d_tf%s.h5", alphaText, size, top ? "" : NO_TOP);
        String name = "mobilenet_" + alphaName + "_" + size + (top ? "" : NO_TOP);
        return new WeightsFile(name, fileName, "mobilenet/" + fileName, null, CACHE_SUBDIR);
    }

    /** Every weights file in the registry (6 for VGG/Xception, 32 for MobileNet). */
    public static List<WeightsFile> all() {
        List<WeightsFile> files = new ArrayList<>();
        for (OfficialWeights w : List.of(VGG16, VGG19, XCEPTION)) {
            files.add(w.withTop(true));
            files.add(w.withTop(false));
        }
        for (String alpha : MOBILENET_ALPHAS) {
            for (int size : MOBILENET_SIZES) {
                files.add(mobilenet(Double.parseDouble(alpha), size, true));
                files.add(mobilenet(Double.parseDouble(alpha), size, false));
            }
        }
        return List.copyOf(files);
    }

    /** The weights named like {@code vgg19}, {@code vgg19_no_top}, {@code mobilenet_0.25_128_no_top}. */
    public static WeightsFile parse(String name) {
        return WeightsNames.parse(name);
    }

    public String baseName() {
        return baseName;
    }

    private static String alphaName(double alpha) {
        for (String candidate : MOBILENET_ALPHAS) {
            if (Double.parseDouble(candidate) == alpha) {
                return candidate;
            }
        }
        throw new UnknownWeightsException("no MobileNet weights for alpha " + alpha
                + "; Keras publishes alpha " + MOBILENET_ALPHAS);
    }
}
