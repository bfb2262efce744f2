package io.gradcam4j.keras.download;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keras.applications ImageNet weights gradcam4j knows, with the URLs and hashes Keras itself
 * uses. Read from keras-team/keras at commit 3422977a5e38 (Aug 2026), keras/src/applications/:
 * <ul>
 *   <li>vgg16.py, vgg19.py, xception.py: {@code WEIGHTS_PATH}, {@code WEIGHTS_PATH_NO_TOP} and the
 *       {@code file_hash} passed to {@code get_file} with {@code cache_subdir="models"};</li>
 *   <li>resnet.py ({@code WEIGHTS_HASHES}, also for resnet_v2.py): {@code BASE_WEIGHTS_PATH}
 *       {@code resnet/} and the file names {@code <name>_weights_tf_dim_ordering_tf_kernels.h5} /
 *       {@code ..._notop.h5}, top hash first;</li>
 *   <li>mobilenet.py: {@code BASE_WEIGHT_PATH} and the file names
 *       {@code mobilenet_%s_%d_tf.h5} / {@code mobilenet_%s_%d_tf_no_top.h5}, where %s is
 *       {@code 1_0}, {@code 7_5}, {@code 5_0} or {@code 2_5} for alpha 1.0/0.75/0.50/0.25 and
 *       %d the input size. Keras passes <b>no</b> hash for MobileNet (neither here nor in
 *       Keras 2.1.6, v2.15.0, v3.0.0), so none is stored; such files are checked for the HDF5
 *       signature and their Content-Length only.</li>
 *   <li>mobilenet_v2.py: {@code BASE_WEIGHT_PATH} {@code mobilenet_v2/} and the file names
 *       {@code mobilenet_v2_weights_tf_dim_ordering_tf_kernels_<alpha>_<rows>.h5} /
 *       {@code ..._<alpha>_<rows>_no_top.h5}, alpha written as Python writes {@code float(alpha)}
 *       (0.35, 0.5, 0.75, 1.0, 1.3, 1.4); no hash either;</li>
 *   <li>inception_v3.py: {@code WEIGHTS_PATH}, {@code WEIGHTS_PATH_NO_TOP} and the {@code file_hash}
 *       of each {@code get_file} call;</li>
 *   <li>nasnet.py: {@code NASNET_MOBILE_WEIGHT_PATH[_NO_TOP]} and the {@code file_hash} of each
 *       {@code get_file} call (see {@link #nasnetMobile});</li>
 *   <li>densenet.py: {@code DENSENET<n>_WEIGHT_PATH[_NO_TOP]} and the {@code file_hash} of each
 *       {@code get_file} call;</li>
 *   <li>efficientnet_v2.py: {@code WEIGHTS_HASHES} and {@code BASE_WEIGHTS_PATH} (see
 *       {@link #efficientnetV2});</li>
 *   <li>mobilenet_v3.py: {@code WEIGHTS_HASHES} and {@code BASE_WEIGHT_PATH} (see {@link #mobilenetV3});</li>
 *   <li>efficientnet.py: {@code WEIGHTS_HASHES} and {@code BASE_WEIGHTS_PATH} (another folder, see
 *       {@link #efficientnet}).</li>
 * </ul>
 * The md5 hashes are identical in Keras 2.1.6 (then served from github.com/fchollet/
 * deep-learning-models/releases), v2.15.0, v3.0.0 and HEAD: the files never changed, only the host.
 * Paths are relative to {@link #KERAS_BASE_URL}, the storage host, because Keras keeps its files
 * in two folders there ({@code tensorflow/keras-applications/} and, for EfficientNet,
 * {@code keras-applications/}).
 */
public enum OfficialWeights {
    VGG16("vgg16",
            applications("vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5"), "64373286793e3c8b2b4e3219cbf3544b",
            applications("vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"), "6d6bbae143d832006294945121d1f1fc"),
    VGG19("vgg19",
            applications("vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5"), "cbe5617147190e668d6c5d5026f83318",
            applications("vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"), "253f8cb515780f3b799900260a226db6"),
    XCEPTION("xception",
            applications("xception/xception_weights_tf_dim_ordering_tf_kernels.h5"), "0a58e3b7378bc2990ea3b43d5981f1f6",
            applications("xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5"),
            "b0042744bf5b25fce3cb969f33bebb97"),
    RESNET50(resnet("resnet50"), "2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    RESNET101(resnet("resnet101"), "f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    RESNET152(resnet("resnet152"), "100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    RESNET50V2(resnet("resnet50v2"), "3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    RESNET101V2(resnet("resnet101v2"), "6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    RESNET152V2(resnet("resnet152v2"), "a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
    EFFICIENTNET_B0(efficientnet(0), "902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    EFFICIENTNET_B1(efficientnet(1), "1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    EFFICIENTNET_B2(efficientnet(2), "b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    EFFICIENTNET_B3(efficientnet(3), "ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    EFFICIENTNET_B4(efficientnet(4), "18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    EFFICIENTNET_B5(efficientnet(5), "ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    EFFICIENTNET_B6(efficientnet(6), "165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    EFFICIENTNET_B7(efficientnet(7), "8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
    INCEPTION_V3(new KerasFiles("inceptionv3",
            applications("inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5"),
            applications("inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")),
            "9a0d58056eeedaa3f26cb7ebd46da564", "bcbd6486424b2319ff4ef7d526e38f63"),
    NASNET_MOBILE(nasnetMobile(), "020fb642bf7360b370c678b08e0adf61", "1ed92395b5b598bdda52abe5c0dbfd63"),
    DENSENET121(keras("densenet", "densenet121"), "9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    DENSENET169(keras("densenet", "densenet169"), "d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    DENSENET201(keras("densenet", "densenet201"), "1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
    EFFICIENTNET_V2_B0(efficientnetV2(0), "21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    EFFICIENTNET_V2_B1(efficientnetV2(1), "069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    EFFICIENTNET_V2_B2(efficientnetV2(2), "424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    EFFICIENTNET_V2_B3(efficientnetV2(3), "1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    MOBILENET_V3_LARGE(mobilenetV3("mobilenetv3large", "large_224_1.0_float"),
            "59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    MOBILENET_V3_LARGE_075(mobilenetV3("mobilenetv3large_0.75", "large_224_0.75_float"),
            "765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    MOBILENET_V3_LARGE_MINIMALISTIC(mobilenetV3("mobilenetv3large_minimalistic", "large_minimalistic_224_1.0_float"),
            "675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    MOBILENET_V3_SMALL(mobilenetV3("mobilenetv3small", "small_224_1.0_float"),
            "8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    MOBILENET_V3_SMALL_075(mobilenetV3("mobilenetv3small_0.75", "small_224_0.75_float"),
            "cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    MOBILENET_V3_SMALL_MINIMALISTIC(mobilenetV3("mobilenetv3small_minimalistic", "small_minimalistic_224_1.0_float"),
            "99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
    /** MobileNet v1; {@link #withTop} gives alpha 1.0 at 224, {@link #mobilenet} any other. */
    MOBILENET("mobilenet", null, null, null, null),
    /** MobileNetV2; {@link #withTop} gives alpha 1.0 at 224, {@link #mobilenetV2} any other. */
    MOBILENET_V2("mobilenetv2", null, null, null, null);

    /** The host Keras downloads keras.applications weights from; every path above is below it. */
    public static final URI KERAS_BASE_URL = URI.create("https://storage.googleapis.com/");
    /** Keras's {@code cache_subdir} for every keras.applications weights file. */
    public static final String CACHE_SUBDIR = "models";
    /** The MobileNet width multipliers with published weights, as gradcam4j names them. */
    public static final List<String> MOBILENET_ALPHAS = List.of("0.25", "0.50", "0.75", "1.0");
    /** The MobileNet input sizes with published weights. */
    public static final List<Integer> MOBILENET_SIZES = List.of(128, 160, 192, 224);
    /** The MobileNetV2 width multipliers with published weights, as gradcam4j names them. */
    public static final List<String> MOBILENET_V2_ALPHAS = List.of("0.35", "0.50", "0.75", "1.0", "1.3", "1.4");
    /** The MobileNetV2 input sizes with published weights. */
    public static final List<Integer> MOBILENET_V2_SIZES = List.of(96, 128, 160, 192, 224);
    static final String NO_TOP = "_no_top";
    /** How mobilenet.py spells alpha in file names ({@code alpha_text}). */
    private static final Map<String, String> KERAS_ALPHA_TEXT =
            Map.of("0.25", "2_5", "0.50", "5_0", "0.75", "7_5", "1.0", "1_0");

    private final KerasFiles files;
    private final String topHash;
    private final String noTopHash;

    OfficialWeights(String baseName, String topPath, String topHash, String noTopPath, String noTopHash) {
        this(new KerasFiles(baseName, topPath, noTopPath), topHash, noTopHash);
    }

    OfficialWeights(KerasFiles files, String topHash, String noTopHash) {
        this.files = files;
        this.topHash = topHash;
        this.noTopHash = noTopHash;
    }

    /** Where {@code tensorflow/keras-applications/<path>} is kept: Keras's usual folder. */
    private static String applications(String path) {
        return "tensorflow/keras-applications/" + path;
    }

    /** resnet.py's files (ResNet and ResNetV2 alike), in the folder {@code resnet/}. */
    private static KerasFiles resnet(String name) {
        return keras("resnet", name);
    }

    /** {@code <folder>/<name>_weights_tf_dim_ordering_tf_kernels[_notop].h5} in Keras's usual folder. */
    private static KerasFiles keras(String folder, String name) {
        String stem = applications(folder + "/" + name + "_weights_tf_dim_ordering_tf_kernels");
        return new KerasFiles(name, stem + ".h5", stem + "_notop.h5");
    }

    /**
     * efficientnet.py's files ({@code WEIGHTS_HASHES}, top hash first): {@code BASE_WEIGHTS_PATH} is
     * {@code https://storage.googleapis.com/keras-applications/}, not Keras's usual folder, and the
     * names are the model's, {@code efficientnetb0.h5} / {@code efficientnetb0_notop.h5}.
     */
    private static KerasFiles efficientnet(int variant) {
        String stem = "keras-applications/efficientnetb" + variant;
        return new KerasFiles("efficientnetb" + variant, stem + ".h5", stem + "_notop.h5");
    }

    /**
     * mobilenet_v3.py's files ({@code WEIGHTS_HASHES}, keyed by {@code model_name}, top hash first):
     * {@code mobilenet_v3/weights_mobilenet_v3_<model_name>.h5} and, without the top,
     * {@code ..._no_top_v2.h5}.
     */
    private static KerasFiles mobilenetV3(String name, String kerasModelName) {
        String stem = applications("mobilenet_v3/weights_mobilenet_v3_" + kerasModelName);
        return new KerasFiles(name, stem + ".h5", stem + "_no_top_v2.h5");
    }

    /**
     * efficientnet_v2.py's files ({@code WEIGHTS_HASHES}, top hash first), named after the Keras
     * model: {@code efficientnet_v2/efficientnetv2-b0.h5} / {@code efficientnetv2-b0_notop.h5}.
     */
    private static KerasFiles efficientnetV2(int variant) {
        String stem = applications("efficientnet_v2/efficientnetv2-b" + variant);
        return new KerasFiles("efficientnetv2b" + variant, stem + ".h5", stem + "_notop.h5");
    }

    /**
     * nasnet.py's NASNetMobile files: {@code nasnet/NASNet-mobile.h5} and
     * {@code NASNet-mobile-no-top.h5}, which Keras caches under other names
     * ({@code nasnet_mobile.h5}, {@code nasnet_mobile_no_top.h5}: the first argument of its
     * {@code get_file} calls).
     */
    private static KerasFiles nasnetMobile() {
        return new KerasFiles("nasnetmobile", applications("nasnet/NASNet-mobile.h5"),
                applications("nasnet/NASNet-mobile-no-top.h5"), "nasnet_mobile.h5", "nasnet_mobile_no_top.h5");
    }

    /**
     * A model's two files, with and without the top, and the names Keras caches them under (the
     * last part of the path, except for NASNet).
     */
    private record KerasFiles(String baseName, String topPath, String noTopPath, String topFileName,
                              String noTopFileName) {
        KerasFiles(String baseName, String topPath, String noTopPath) {
            this(baseName, topPath, noTopPath, lastPart(topPath), lastPart(noTopPath));
        }

        private static String lastPart(String path) {
            return path == null ? null : path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** The weights with or without the ImageNet classifier ("include_top" in Keras). */
    public WeightsFile withTop(boolean top) {
        if (this == MOBILENET) {
            return mobilenet(1.0, 224, top);
        }
        if (this == MOBILENET_V2) {
            return mobilenetV2(1.0, 224, top);
        }
        String name = top ? files.baseName() : files.baseName() + NO_TOP;
        return new WeightsFile(name, top ? files.topFileName() : files.noTopFileName(),
                top ? files.topPath() : files.noTopPath(), top ? topHash : noTopHash, CACHE_SUBDIR);
    }

    /** MobileNet v1 weights for alpha 0.25/0.5/0.75/1.0 and size 128/160/192/224. */
    public static WeightsFile mobilenet(double alpha, int size, boolean top) {
        String alphaName = alphaName(alpha, MOBILENET_ALPHAS, "MobileNet");
        if (!MOBILENET_SIZES.contains(size)) {
            throw new UnknownWeightsException("no MobileNet weights for input size " + size
                    + "; Keras publishes sizes " + MOBILENET_SIZES);
        }
        String alphaText = KERAS_ALPHA_TEXT.get(alphaName);
        String fileName = String.format(Locale.ROOT, "mobilenet_%s_%d_tf%s.h5", alphaText, size, top ? "" : NO_TOP);
        String name = "mobilenet_" + alphaName + "_" + size + (top ? "" : NO_TOP);
        return new WeightsFile(name, fileName, applications("mobilenet/" + fileName), null, CACHE_SUBDIR);
    }

    /** MobileNetV2 weights for alpha 0.35/0.5/0.75/1.0/1.3/1.4 and size 96/128/160/192/224. */
    public static WeightsFile mobilenetV2(double alpha, int size, boolean top) {
        String alphaName = alphaName(alpha, MOBILENET_V2_ALPHAS, "MobileNetV2");
        if (!MOBILENET_V2_SIZES.contains(size)) {
            throw new UnknownWeightsException("no MobileNetV2 weights for input size " + size
                    + "; Keras publishes sizes " + MOBILENET_V2_SIZES);
        }
        String pythonAlpha = String.valueOf(Double.parseDouble(alphaName));     // Python's str(float(alpha))
        String fileName = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_" + pythonAlpha + "_" + size
                + (top ? "" : NO_TOP) + ".h5";
        String name = "mobilenetv2_" + alphaName + "_" + size + (top ? "" : NO_TOP);
        return new WeightsFile(name, fileName, applications("mobilenet_v2/" + fileName), null, CACHE_SUBDIR);
    }

    /** Every weights file in the registry: each fixed model with and without its top, every MobileNet. */
    public static List<WeightsFile> all() {
        List<WeightsFile> files = new ArrayList<>();
        for (OfficialWeights w : values()) {
            if (w != MOBILENET && w != MOBILENET_V2) {
                files.add(w.withTop(true));
                files.add(w.withTop(false));
            }
        }
        for (String alpha : MOBILENET_V2_ALPHAS) {
            for (int size : MOBILENET_V2_SIZES) {
                files.add(mobilenetV2(Double.parseDouble(alpha), size, true));
                files.add(mobilenetV2(Double.parseDouble(alpha), size, false));
            }
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
        return files.baseName();
    }

    /** The model whose weights file names are {@code baseName}, {@code baseName_no_top}. */
    static java.util.Optional<OfficialWeights> byBaseName(String baseName) {
        return java.util.Arrays.stream(values()).filter(w -> w.files.baseName().equals(baseName)).findFirst();
    }

    private static String alphaName(double alpha, List<String> published, String model) {
        for (String candidate : published) {
            if (Double.parseDouble(candidate) == alpha) {
                return candidate;
            }
        }
        throw new UnknownWeightsException("no " + model + " weights for alpha " + alpha
                + "; Keras publishes alpha " + published);
    }
}
