package io.gradcam4j.cam.methods;

/**
 * Resampling of one-channel maps (row-major, double), as the peers resample: bilinear with
 * half-pixel centres and clamped borders ({@code cv2.resize}, {@code tf.image.resize}),
 * bilinear with aligned corners (torch's {@code UpsamplingBilinear2d}, Score-CAM), and torch's
 * nearest ({@code interpolate(mode="nearest")}, Captum's Guided Grad-CAM).
 */
final class Grids {

    private Grids() {
    }

    /** Half-pixel centres: output {@code o} samples {@code (o + 0.5) * in / out - 0.5}, clamped. */
    static double[] bilinear(double[] src, int h, int w, int outH, int outW) {
        return interpolate(src, h, w, outH, outW, (o, in, out) -> Math.max((o + 0.5) * in / out - 0.5, 0));
    }

    /** Aligned corners: output {@code o} samples {@code o * (in - 1) / (out - 1)}. */
    static double[] bilinearAlignedCorners(double[] src, int h, int w, int outH, int outW) {
        return interpolate(src, h, w, outH, outW, (o, in, out) -> out > 1 ? (double) o * (in - 1) / (out - 1) : 0);
    }

    /** Where output coordinate {@code o} samples the input, for sizes {@code in -> out}. */
    private interface SourceCoordinate {
        double of(int o, int in, int out);
    }

    private static double[] interpolate(double[] src, int h, int w, int outH, int outW, SourceCoordinate at) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            double sy = at.of(y, h, outH);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = at.of(x, w, outW);
                int x0 = Math.min((int) sx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                out[y * outW + x] = lerp(lerp(src[y0 * w + x0], src[y0 * w + x1], fx),
                        lerp(src[y1 * w + x0], src[y1 * w + x1], fx), fy);
            }
        }
        return out;
    }

    /** torch's nearest: output {@code o} takes input {@code floor(o * in / out)}. */
    static double[] nearest(double[] src, int h, int w, int outH, int outW) {
        double[] out = new double[outH * outW];
        for (int y = 0; y < outH; y++) {
            int sy = Math.min((int) Math.floor((double) y * h / outH), h - 1);
            for (int x = 0; x < outW; x++) {
                int sx = Math.min((int) Math.floor((double) x * w / outW), w - 1);
                out[y * outW + x] = src[sy * w + sx];
            }
        }
        return out;
    }

    private static double lerp(double a, double b, double f) {
        return a + (b - a) * f;
    }

    /** pytorch-grad-cam's {@code scale_cam_image} without the resize: {@code (v - min) / (1e-7 + max - min)}. */
    static double[] minMaxScaled(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (v[i] - min) / (1e-7 + (max - min));
        }
        return r;
    }
}
