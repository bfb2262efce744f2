package io.gradcam4j.engine.ops;

import io.gradcam4j.engine.GradientCheck;
import io.gradcam4j.engine.Mode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.Padding;
import io.gradcam4j.engine.Param;
import io.gradcam4j.engine.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/** Finite-difference check of every op's gradient rule (inputs and trainable weights). */
class OpGradientTest {
    private final Random random = new Random(7);
    private final List<DynamicTest> tests = new ArrayList<>();

    private Tensor rand(int... shape) {
        return GradientCheck.random(random, -1f, 1f, shape);
    }

    /**
     * Distinct values at least 0.02 apart, shuffled: no near-ties inside a max window and no value
     * near a ReLU kink, so a finite difference never crosses a kink.
     */
    private Tensor distinct(int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (i - d.length / 2 + 0.5f) * 0.02f;
        }
        for (int i = d.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float tmp = d[i];
            d[i] = d[j];
            d[j] = tmp;
        }
        return t;
    }

    private Param weight(String name, int... shape) {
        return new Param(name, GradientCheck.random(random, -0.5f, 0.5f, shape), true);
    }

    private void add(String name, Op op, Tensor... inputs) {
        tests.add(dynamicTest(name, () -> GradientCheck.assertMatchesFiniteDifferences(op, inputs)));
    }

    private void addTraining(String name, Op op, Tensor... inputs) {
        Supplier<Mode> sameMaskEachTime = () -> Mode.training(123);
        tests.add(dynamicTest(name, () -> GradientCheck.assertMatchesFiniteDifferences(op, sameMaskEachTime, inputs)));
    }

    @TestFactory
    List<DynamicTest> everyOpHasARightGradient() {
        convolutions();
        normalizationAndDense();
        pooling();
        shapes();
        merges();
        activations();
        return tests;
    }

    private void convolutions() {
        int[] s1 = {1, 1};
        int[] s2 = {2, 2};
        add("Conv2D 3x3 valid", new Conv2D(weight("kernel", 3, 3, 3, 4), s1, s1, Padding.VALID), rand(2, 7, 6, 3));
        add("Conv2D 3x3 same", new Conv2D(weight("kernel", 3, 3, 2, 3), s1, s1, Padding.SAME), rand(2, 6, 5, 2));
        add("Conv2D 3x3 same stride 2 on 13x11", new Conv2D(weight("kernel", 3, 3, 2, 3), s2, s1, Padding.SAME),
                rand(1, 13, 11, 2));
        add("Conv2D 3x3 same stride 2 on 33x29", new Conv2D(weight("kernel", 3, 3, 1, 2), s2, s1, Padding.SAME),
                rand(1, 33, 29, 1));
        add("Conv2D 3x3 valid stride 2 on 13x11", new Conv2D(weight("kernel", 3, 3, 2, 2), s2, s1, Padding.VALID),
                rand(1, 13, 11, 2));
        add("Conv2D 5x5 same stride 2 on 13x11", new Conv2D(weight("kernel", 5, 5, 2, 2), s2, s1, Padding.SAME),
                rand(1, 13, 11, 2));
        add("Conv2D 4x4 same stride 2 on 12x10", new Conv2D(weight("kernel", 4, 4, 2, 2), s2, s1, Padding.SAME),
                rand(1, 12, 10, 2));
        add("Conv2D 3x2 strides 2x1 same", new Conv2D(weight("kernel", 3, 2, 2, 3), new int[] {2, 1}, s1,
                Padding.SAME), rand(2, 7, 5, 2));
        add("Conv2D 3x3 dilation 2 same", new Conv2D(weight("kernel", 3, 3, 2, 2), s1, s2, Padding.SAME),
                rand(1, 9, 8, 2));
        add("Conv2D 3x3 dilation 2 valid", new Conv2D(weight("kernel", 3, 3, 2, 2), s1, s2, Padding.VALID),
                rand(1, 9, 8, 2));
        add("Conv2D 3x2 dilation 2x3 same", new Conv2D(weight("kernel", 3, 2, 2, 2), s1, new int[] {2, 3},
                Padding.SAME), rand(1, 9, 8, 2));
        add("Conv2D 1x1", new Conv2D(weight("kernel", 1, 1, 4, 3), s1, s1, Padding.VALID), rand(2, 4, 3, 4));
        add("Conv2D 1x1 stride 2 same", new Conv2D(weight("kernel", 1, 1, 3, 2), s2, s1, Padding.SAME), rand(2, 5, 7, 3));
        add("Conv2D with bias", Chain.of(new Conv2D(weight("kernel", 3, 3, 2, 3), s1, s1, Padding.SAME),
                new BiasAdd(weight("bias", 3))), rand(2, 5, 4, 2));
        add("DepthwiseConv2D 3x3 same", new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 3, 1), s1, s1,
                Padding.SAME), rand(2, 6, 5, 3));
        add("DepthwiseConv2D 3x3 x2 same stride 2", new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 3, 2), s2,
                s1, Padding.SAME), rand(2, 9, 7, 3));
        add("DepthwiseConv2D 3x3 x2 same stride 2 on 33x29", new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 1,
                2), s2, s1, Padding.SAME), rand(1, 33, 29, 1));
        add("DepthwiseConv2D 5x5 same stride 2 on 13x11", new DepthwiseConv2D(weight("depthwise_kernel", 5, 5, 2,
                1), s2, s1, Padding.SAME), rand(1, 13, 11, 2));
        add("DepthwiseConv2D 3x3 valid stride 2", new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 2, 2), s2,
                s1, Padding.VALID), rand(1, 13, 11, 2));
        add("DepthwiseConv2D 3x3 dilation 2 valid", new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 2, 1), s1,
                s2, Padding.VALID), rand(1, 8, 9, 2));
        add("DepthwiseConv2D 3x3 x2 dilation 2 same", new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 2, 2),
                s1, s2, Padding.SAME), rand(1, 8, 9, 2));
        add("SeparableConv2D as a chain", Chain.of(
                new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 2, 2), s1, s1, Padding.SAME),
                new Conv2D(weight("pointwise_kernel", 1, 1, 4, 3), s1, s1, Padding.VALID),
                new BiasAdd(weight("bias", 3)), new Tanh()), rand(1, 6, 5, 2));
        add("SeparableConv2D stride 2 as a chain", Chain.of(
                new DepthwiseConv2D(weight("depthwise_kernel", 3, 3, 2, 1), s2, s1, Padding.SAME),
                new Conv2D(weight("pointwise_kernel", 1, 1, 2, 3), s1, s1, Padding.VALID)), rand(1, 13, 11, 2));
        add("BiasAdd", new BiasAdd(weight("bias", 3)), rand(2, 3, 2, 3));
    }

    private void normalizationAndDense() {
        add("BatchNormalization inference", batchNorm(true, true), rand(2, 4, 3, 3));
        add("BatchNormalization inference, no scale, no center", batchNorm(false, false), rand(2, 4, 3, 3));
        add("BatchNormalization inference, no scale", batchNorm(false, true), rand(2, 4, 3, 3));
        add("BatchNormalization inference, no center", batchNorm(true, false), rand(2, 4, 3, 3));
        add("BatchNormalization inference on rank 2", batchNorm(true, true), rand(4, 3));
        addTraining("BatchNormalization training", batchNorm(true, true), rand(2, 4, 3, 3));
        addTraining("BatchNormalization training, no scale", batchNorm(false, true), rand(2, 4, 3, 3));
        addTraining("BatchNormalization training, no center", batchNorm(true, false), rand(2, 4, 3, 3));
        addTraining("BatchNormalization training on rank 2", batchNorm(true, true), rand(6, 3));
        add("Dense", new MatMul(weight("kernel", 6, 4)), rand(3, 6));
        add("Dense on rank 4", new MatMul(weight("kernel", 3, 2)), rand(2, 2, 3, 3));
        add("PReLU", new PRelu(weight("alpha", 3, 2, 4)), distinct(2, 3, 2, 4));
        add("PReLU shared axes 1,2", new PRelu(weight("alpha", 1, 1, 4)), distinct(2, 3, 2, 4));
        addTraining("Dropout training", new Dropout(0.4f, false), rand(2, 3, 3, 4));
        addTraining("SpatialDropout2D training", new Dropout(0.4f, true), rand(2, 3, 3, 4));
    }

    private BatchNorm batchNorm(boolean scale, boolean center) {
        Param gamma = scale ? new Param("gamma", GradientCheck.random(random, 0.5f, 1.5f, 3), true) : null;
        Param beta = center ? weight("beta", 3) : null;
        Param mean = new Param("moving_mean", rand(3), false);
        Param var = new Param("moving_variance", GradientCheck.random(random, 0.5f, 1.5f, 3), false);
        return new BatchNorm(gamma, beta, mean, var, 1e-3f, 0.99f);
    }

    private void pooling() {
        int[] s2 = {2, 2};
        add("MaxPooling2D 2x2 valid", new MaxPool2D(s2, s2, Padding.VALID), distinct(2, 6, 5, 3));
        add("MaxPooling2D 2x2 same", new MaxPool2D(s2, s2, Padding.SAME), distinct(2, 7, 5, 2));
        add("MaxPooling2D 3x3/2 same on 13x11", new MaxPool2D(new int[] {3, 3}, s2, Padding.SAME), distinct(1, 13, 11, 2));
        add("MaxPooling2D 3x3/2 same on 33x29", new MaxPool2D(new int[] {3, 3}, s2, Padding.SAME), distinct(1, 33, 29, 1));
        add("MaxPooling2D 3x3/1 same", new MaxPool2D(new int[] {3, 3}, new int[] {1, 1}, Padding.SAME), distinct(1, 6, 5, 2));
        add("MaxPooling2D 3x2/1x2 same", new MaxPool2D(new int[] {3, 2}, new int[] {1, 2}, Padding.SAME), distinct(2, 5, 7, 2));
        add("AveragePooling2D 2x2 same", new AvgPool2D(s2, s2, Padding.SAME), rand(2, 7, 5, 2));
        add("AveragePooling2D 3x3/2 same on 13x11", new AvgPool2D(new int[] {3, 3}, s2, Padding.SAME), rand(1, 13, 11, 2));
        add("AveragePooling2D 3x3/2 same on 33x29", new AvgPool2D(new int[] {3, 3}, s2, Padding.SAME), rand(1, 33, 29, 1));
        add("AveragePooling2D 3x3/1 same", new AvgPool2D(new int[] {3, 3}, new int[] {1, 1}, Padding.SAME), rand(1, 6, 5, 2));
        add("AveragePooling2D 3x2/1x2 valid", new AvgPool2D(new int[] {3, 2}, new int[] {1, 2}, Padding.VALID),
                rand(2, 5, 6, 2));
        add("GlobalAveragePooling2D", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, false), rand(2, 4, 3, 5));
        add("GlobalAveragePooling2D keepdims", new GlobalPool2D(GlobalPool2D.Kind.AVERAGE, true), rand(2, 4, 3, 5));
        add("GlobalMaxPooling2D", new GlobalPool2D(GlobalPool2D.Kind.MAX, false), distinct(2, 4, 3, 5));
        add("GlobalMaxPooling2D keepdims", new GlobalPool2D(GlobalPool2D.Kind.MAX, true), distinct(2, 4, 3, 5));
    }

    private void shapes() {
        add("Flatten", Reshape.flatten(), rand(2, 3, 2, 4));
        add("Reshape", new Reshape(4, -1), rand(2, 3, 2, 4));
        add("ZeroPadding2D asymmetric", new ZeroPadding2D(1, 2, 0, 3), rand(2, 3, 4, 2));
        add("Cropping2D", new Cropping2D(1, 0, 2, 1), rand(2, 4, 5, 2));
        add("UpSampling2D 2x3", new UpSampling2D(2, 3), rand(2, 3, 2, 2));
        add("UpSampling2D 2", new UpSampling2D(2, 2), rand(2, 3, 2, 2));
        add("ZeroPadding2D symmetric", new ZeroPadding2D(1, 1, 1, 1), rand(2, 3, 4, 2));
        add("Rescaling per channel", new Rescaling(new float[] {0.5f, -2f}, new float[] {1f}), rand(2, 3, 2, 2));
        add("Identity", new Identity("Dropout"), rand(2, 3));
        add("Resize bilinear up 5x4 -> 9x7", new Resize(9, 7, Resize.Interpolation.BILINEAR), rand(2, 5, 4, 2));
        add("Resize bilinear down 9x7 -> 4x3", new Resize(4, 3, Resize.Interpolation.BILINEAR), rand(1, 9, 7, 2));
        add("Resize nearest 5x4 -> 8x6", new Resize(8, 6, Resize.Interpolation.NEAREST), rand(1, 5, 4, 2));
        add("Transpose NCHW -> NHWC", Transpose.nchwToNhwc(), rand(2, 3, 4, 5));
        add("CenterCrop 7x6 -> 4x3", CenterCrop.toSize(4, 3), rand(2, 7, 6, 2));
        add("CenterCrop smaller input resizes", CenterCrop.toSize(6, 6), rand(1, 4, 5, 2));
        add("CropToAspectRatio", CenterCrop.toAspectRatio(2, 3), rand(1, 7, 6, 2));
    }

    private void merges() {
        add("Add of 3", new Add(), rand(2, 3, 2, 4), rand(2, 3, 2, 4), rand(2, 3, 2, 4));
        add("Multiply of 2", new Multiply(), rand(2, 3, 2, 4), rand(2, 3, 2, 4));
        add("Concatenate axis -1", new Concatenate(-1), rand(2, 3, 2, 4), rand(2, 3, 2, 1));
        add("Concatenate axis 1", new Concatenate(1), rand(2, 3, 2, 4), rand(2, 1, 2, 4), rand(2, 2, 2, 4));
        add("Concatenate axis 2", new Concatenate(2), rand(2, 3, 2, 4), rand(2, 3, 3, 4));
        add("Add of 2", new Add(), rand(2, 3, 2, 4), rand(2, 3, 2, 4));
        add("Multiply of 3", new Multiply(), rand(2, 3, 2, 4), rand(2, 3, 2, 4), rand(2, 3, 2, 4));
        add("Multiply by a squeeze-and-excitation gate (N,1,1,C)", new Multiply(), rand(2, 3, 2, 4), rand(2, 1, 1, 4));
        add("Multiply broadcast both ways", new Multiply(), rand(2, 3, 1, 4), rand(2, 1, 5, 1));
        add("Multiply of 3, one broadcast", new Multiply(), rand(2, 1, 1, 3), rand(2, 2, 3, 3), rand(2, 2, 3, 3));
    }

    private void activations() {
        for (String name : new String[] {"relu", "relu6", "elu", "selu", "sigmoid", "hard_sigmoid", "tanh",
                "softmax", "softplus", "swish", "hard_swish"}) {
            Tensor x = GradientCheck.random(random, -4f, 8f, 2, 3, 5);
            add("activation " + name, io.gradcam4j.engine.ops.Activation.byName(name, false), x);
        }
        add("hard_sigmoid (Keras 3)", io.gradcam4j.engine.ops.Activation.byName("hard_sigmoid", true),
                GradientCheck.random(random, -4f, 4f, 2, 7));
        add("ReLU max 6 slope 0.1 threshold 0.5", new Relu(6f, 0.1f, 0.5f), GradientCheck.random(random, -3f, 9f, 2, 9));
        add("ReLU threshold 0.5", new Relu(Float.POSITIVE_INFINITY, 0f, 0.5f), distinct(3, 7));
        add("ReLU negative slope 0.1", new Relu(Float.POSITIVE_INFINITY, 0.1f, 0f), distinct(3, 7));
        add("ReLU max 6", Relu.relu6(), GradientCheck.random(random, -3f, 9f, 2, 9));
        add("LeakyReLU 0.3", Relu.leaky(0.3f), distinct(3, 7));
        add("ELU alpha 0.7", new Elu(0.7f), GradientCheck.random(random, -3f, 3f, 3, 7));
    }
}
