package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;

/**
 * A map (H, W) resized bilinearly to an image's size, one row at a time, so that drawing an
 * 8000 x 8000 overlay never holds a full-size float copy of the map (256 MB): TF's half-pixel
 * centres, the same arithmetic as {@code Resize(BILINEAR)} in the engine (its test compares them
 * bit for bit), values clamped to [0, 1].
 */
final class UpsampledRows {
    private final float[] map;
    private final int mapWidth;
    private final int width;
    private final int[] rowLo;
    private final int[] rowHi;
    private final float[] rowFrac;
    private final int[] colLo;
    private final int[] colHi;
    private final float[] colFrac;

    UpsampledRows(Tensor map, int width, int height) {
        this.map = map.data();
        this.mapWidth = map.dim(1);
        this.width = width;
        int mapHeight = map.dim(0);
        rowLo = new int[height];
        rowHi = new int[height];
        rowFrac = new float[height];
        taps(mapHeight, height, rowLo, rowHi, rowFrac);
        colLo = new int[width];
        colHi = new int[width];
        colFrac = new float[width];
        taps(mapWidth, width, colLo, colHi, colFrac);
    }

    /** The source indices and weight of each output coordinate (half-pixel centres, edges clamped). */
    private static void taps(int in, int out, int[] lo, int[] hi, float[] frac) {
        float scale = (float) in / out;
        for (int o = 0; o < out; o++) {
            float src = (o + 0.5f) * scale - 0.5f;
            float floor = (float) Math.floor(src);
            lo[o] = Math.max((int) floor, 0);
            hi[o] = Math.min((int) Math.ceil(src), in - 1);
            frac[o] = src - floor;
        }
    }

    /** Row {@code y} of the resized map into {@code into} ({@code width} values). */
    void row(int y, float[] into) {
        float fy = rowFrac[y];
        int r0 = rowLo[y] * mapWidth;
        int r1 = rowHi[y] * mapWidth;
        for (int x = 0; x < width; x++) {
            float fx = colFrac[x];
            float top = map[r0 + colLo[x]] + (map[r0 + colHi[x]] - map[r0 + colLo[x]]) * fx;
            float bottom = map[r1 + colLo[x]] + (map[r1 + colHi[x]] - map[r1 + colLo[x]]) * fx;
            float v = top + (bottom - top) * fy;
            into[x] = Math.min(Math.max(v, 0f), 1f);
        }
    }
}
