package io.gradcam4j.keras.download;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OfficialWeightsTest {
    private static final String KERAS_HOST_PREFIX = "https://storage.googleapis.com/tensorflow/keras-applications/";
    private static final String EFFICIENTNET_PREFIX = "https://storage.googleapis.com/keras-applications/";

    @Test
    void registryHoldsEveryModelWithAndWithoutTopAndEveryMobileNet() {
        List<WeightsFile> all = OfficialWeights.all();
        assertEquals(2 * (OfficialWeights.values().length - 2) + 4 * 4 * 2 + 6 * 5 * 2, all.size());
        assertEquals(all.size(), all.stream().map(WeightsFile::name).distinct().count());
        assertEquals(all.size(), all.stream().map(WeightsFile::fileName).distinct().count());
    }

    @Test
    void everyUrlIsHttpsOnKerasHostAndEndsWithTheFileName() {
        for (WeightsFile f : OfficialWeights.all()) {
            String url = f.url().toString();
            // efficientnet.py alone keeps its files in another folder of the same host
            assertTrue(url.startsWith(f.name().matches("efficientnetb\\d.*") ? EFFICIENTNET_PREFIX : KERAS_HOST_PREFIX), url);
            // Keras caches each file under the URL's last part, except NASNet's (factsAsInKerasSource)
            if (!f.name().startsWith("nasnetmobile")) {
                assertEquals(url.substring(url.lastIndexOf('/') + 1), f.fileName(), url);
            }
            assertEquals("models", f.cacheSubdir(), f.name());
        }
    }

    @Test
    void everyHashHasTheLengthOfItsAlgorithm() {
        for (WeightsFile f : OfficialWeights.all()) {
            if (f.fileHash() != null) {
                assertEquals(f.hashAlgorithm().orElseThrow().hexLength(), f.fileHash().length(), f.name());
                assertTrue(f.fileHash().matches("[0-9a-f]+"), f.name());
            }
        }
    }

    @Test
    void vggAndXceptionHaveKerasMd5MobileNetHasNone() {
        for (WeightsFile f : OfficialWeights.all()) {
            if (f.name().matches("mobilenet(v2)?_.*")) {
                assertNull(f.fileHash(), f.name() + ": Keras publishes no MobileNet hash");
            } else {
                assertEquals(HashAlgorithm.MD5, f.hashAlgorithm().orElseThrow(), f.name());
            }
        }
    }

    @Test
    void factsAsInKerasSource() {
        WeightsFile vgg19 = OfficialWeights.VGG19.withTop(false);
        assertEquals(KERAS_HOST_PREFIX + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", vgg19.url().toString());
        assertEquals("253f8cb515780f3b799900260a226db6", vgg19.fileHash());
        assertEquals("vgg19_no_top", vgg19.name());
        WeightsFile xception = OfficialWeights.XCEPTION.withTop(true);
        assertEquals(KERAS_HOST_PREFIX + "xception/xception_weights_tf_dim_ordering_tf_kernels.h5", xception.url().toString());
        assertEquals("0a58e3b7378bc2990ea3b43d5981f1f6", xception.fileHash());
        WeightsFile resnet = OfficialWeights.RESNET50V2.withTop(false);
        assertEquals(KERAS_HOST_PREFIX + "resnet/resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                resnet.url().toString());
        assertEquals("fac2f116257151a9d068a22e544a4917", resnet.fileHash());
        assertEquals("resnet50v2_no_top", resnet.name());
        assertEquals("2cb95161c43110f7111970584f804107", OfficialWeights.RESNET50.withTop(true).fileHash());
        assertEquals(KERAS_HOST_PREFIX + "densenet/densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5",
                OfficialWeights.DENSENET201.withTop(false).url().toString());
        assertEquals("c13680b51ded0fb44dff2d8f86ac8bb1", OfficialWeights.DENSENET201.withTop(false).fileHash());
        assertEquals(KERAS_HOST_PREFIX + "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
                OfficialWeights.parse("inception_v3").url().toString());
        assertEquals("bcbd6486424b2319ff4ef7d526e38f63", OfficialWeights.parse("inceptionv3_no_top").fileHash());
        WeightsFile v3 = OfficialWeights.parse("mobilenet_v3_large_0.75_no_top");
        assertEquals(KERAS_HOST_PREFIX + "mobilenet_v3/weights_mobilenet_v3_large_224_0.75_float_no_top_v2.h5",
                v3.url().toString());
        assertEquals("40af19a13ebea4e2ee0c676887f69a2e", v3.fileHash());
        assertEquals("99cd97fb2fcdad2bf028eb838de69e37", OfficialWeights.parse("mobilenetv3small_minimalistic").fileHash());
        WeightsFile v2 = OfficialWeights.parse("efficientnet_v2_b3_no_top");
        assertEquals(KERAS_HOST_PREFIX + "efficientnet_v2/efficientnetv2-b3_notop.h5", v2.url().toString());
        assertEquals("f6abf7b5849ac99a89b50dd3fd532856", v2.fileHash());
        WeightsFile nasnet = OfficialWeights.parse("nasnet_mobile_no_top");
        assertEquals(KERAS_HOST_PREFIX + "nasnet/NASNet-mobile-no-top.h5", nasnet.url().toString());
        assertEquals("nasnet_mobile_no_top.h5", nasnet.fileName());
        assertEquals("1ed92395b5b598bdda52abe5c0dbfd63", nasnet.fileHash());
        WeightsFile b0 = OfficialWeights.parse("efficientnet_b0_no_top");
        assertEquals(EFFICIENTNET_PREFIX + "efficientnetb0_notop.h5", b0.url().toString());
        assertEquals("50bc09e76180e00e4465e1a485ddc09d", b0.fileHash());
        assertEquals("8c03f828fec3ef71311cd463b6759d99", OfficialWeights.EFFICIENTNET_B7.withTop(true).fileHash());
    }

    @Test
    void mobileNetFileNamesFollowKerasPattern() {
        assertEquals("mobilenet_2_5_224_tf.h5", OfficialWeights.mobilenet(0.25, 224, true).fileName());
        assertEquals("mobilenet_5_0_160_tf_no_top.h5", OfficialWeights.mobilenet(0.5, 160, false).fileName());
        assertEquals("mobilenet_7_5_192_tf.h5", OfficialWeights.mobilenet(0.75, 192, true).fileName());
        assertEquals("mobilenet_1_0_128_tf_no_top.h5", OfficialWeights.mobilenet(1.0, 128, false).fileName());
        assertEquals(KERAS_HOST_PREFIX + "mobilenet/mobilenet_2_5_128_tf.h5",
                OfficialWeights.mobilenet(0.25, 128, true).url().toString());
    }

    @Test
    void mobileNetV2FileNamesWriteAlphaAsPythonWritesAFloat() {
        WeightsFile f = OfficialWeights.mobilenetV2(0.5, 96, false);
        assertEquals("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96_no_top.h5", f.fileName());
        assertEquals("mobilenetv2_0.50_96_no_top", f.name());
        assertEquals(KERAS_HOST_PREFIX + "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5",
                OfficialWeights.MOBILENET_V2.withTop(true).url().toString());
        assertEquals("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5",
                OfficialWeights.parse("mobilenet_v2_0.35_224").fileName());
        assertNull(f.fileHash(), "Keras publishes no MobileNetV2 hash");
    }

    @Test
    void everyCanonicalNameParsesBackToItsEntry() {
        for (WeightsFile f : OfficialWeights.all()) {
            assertEquals(f, OfficialWeights.parse(f.name()), f.name());
        }
    }

    @Test
    void aliasesParse() {
        assertEquals(OfficialWeights.VGG19.withTop(true), OfficialWeights.parse(" VGG19 "));
        assertEquals(OfficialWeights.VGG19.withTop(false), OfficialWeights.parse("vgg19_notop"));
        assertEquals(OfficialWeights.XCEPTION.withTop(false), OfficialWeights.parse("xception_no_top"));
        assertEquals(OfficialWeights.mobilenet(1.0, 224, true), OfficialWeights.parse("mobilenet"));
        assertEquals(OfficialWeights.mobilenet(1.0, 224, false), OfficialWeights.parse("mobilenet_no_top"));
        assertEquals(OfficialWeights.mobilenet(0.5, 224, true), OfficialWeights.parse("mobilenet_0.5_224"));
        assertEquals(OfficialWeights.mobilenet(1.0, 128, true), OfficialWeights.parse("mobilenet_1_128"));
        assertEquals("mobilenet_0.25_224_no_top", OfficialWeights.parse("mobilenet_0.25_224_no_top").name());
        assertEquals(OfficialWeights.RESNET50V2.withTop(false), OfficialWeights.parse("ResNet50_V2_notop"));
    }

    @Test
    void unknownNamesListTheValidOnes() {
        for (String bad : List.of("vgg91", "resnet18", "mobilenet_0.3_224", "mobilenet_0.25_100", "mobilenet_x_224", "")) {
            UnknownWeightsException e = assertThrows(UnknownWeightsException.class, () -> OfficialWeights.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("vgg16, vgg19, xception"), e.getMessage());
            assertTrue(e.getMessage().contains("mobilenet_<alpha>_<size> with alpha 0.25|0.50|0.75|1.0 and size 128|160|192|224"),
                    e.getMessage());
        }
        assertTrue(assertThrows(UnknownWeightsException.class, () -> OfficialWeights.parse("mobilenet_0.3_224"))
                .getMessage().contains("alpha 0.3"));
    }

    @Test
    void malformedHashIsRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new WeightsFile("x", "x.h5", "x/x.h5", "abc", "models"));
        assertThrows(IllegalArgumentException.class, () -> new WeightsFile("x", "x/y.h5", "x/x.h5", null, "models"));
        Set<String> names = new HashSet<>();
        OfficialWeights.all().forEach(f -> names.add(f.name()));
        assertTrue(names.contains("mobilenet_0.75_192_no_top"));
    }
}
