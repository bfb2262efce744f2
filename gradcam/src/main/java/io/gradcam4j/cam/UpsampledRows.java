package io.gradcam4j.cam;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.ops.Resize;

/**
 * A map (H, W) resized bilinearly to an image's size, one row at a time, so that drawing an
 * 8000 x 8000 overlay never holds a full-size float copy of the map (256 MB): TF's half-pixel
 * centres, with the engine's {@code Resize} taps and the same arithmetic (its test compares them
 * bit for bit), values clamped to [0, 1].
 */
final class UpsampledRows {
    private final float[] map;
    private final int mapWidth;
    private final int width;
    private final Resize.Taps rows;
    private final Resize.Taps cols;

    UpsampledRows(Tensor map, int width, int height) {
        this.map = map.data();
        this.mapWidth = map.dim(1);
        this.width = width;
        this.rows = Resize.taps(map.dim(0), height, Resize.Interpolation.BILINEAR);
        this.cols = Resize.taps(mapWidth, width, Resize.Interpolation.BILINEAR);
    }

    /** Row {@code y} of the resized map into {@code into} ({@code width} values). */
    void row(int y, float[] into) {
        float fy = rows.frac()[y];
        int r0 = rows.lo()[y] * mapWidth;
        int r1 = rows.hi()[y] * mapWidth;
        int[] lo = cols.lo();
        int[] hi = cols.hi();
        for (int x = 0; x < width; x++) {
            float fx = cols.frac()[x];
            float top = map[r0 + lo[x]] + (map[r0 + hi[x]] - map[r0 + lo[x]]) * fx;
            float bottom = map[r1 + lo[x]] + (map[r1 + hi[x]] - map[r1 + lo[x]]) * fx;
            float v = top + (bottom - top) * fy;
            into[x] = Math.min(Math.max(v, 0f), 1f);
        }
    }
}
