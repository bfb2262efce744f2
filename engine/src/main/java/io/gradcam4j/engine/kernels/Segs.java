package io.gradcam4j.engine.kernels;

/**
 * Runs of the reduction index: offsets into a and b and a length; aR, bR are the per-step strides.
 * A register tile ({@link VectorTiles}) sums over such a list of runs: a convolution has one run per
 * kernel tap, or per row of taps where they are contiguous.
 */
final class Segs {
    int[] ao;
    int[] bo;
    int[] len;
    int n;
    int aR;
    int bR;

    Segs(int capacity) {
        int cap = Math.max(4, capacity);
        ao = new int[cap];
        bo = new int[cap];
        len = new int[cap];
    }

    /** Steps in segments [s0, s1). */
    int total(int s0, int s1) {
        int t = 0;
        for (int s = s0; s < s1; s++) {
            t += len[s];
        }
        return t;
    }

    void reset(int aStride, int bStride) {
        n = 0;
        aR = aStride;
        bR = bStride;
    }

    void add(int a, int b, int l) {
        if (l <= 0) {
            return;
        }
        if (n > 0 && ao[n - 1] + len[n - 1] * aR == a && bo[n - 1] + len[n - 1] * bR == b) {
            len[n - 1] += l;
            return;
        }
        append(a, b, l);
    }

    /** Adds a segment without merging it into the previous one (a cut that must stay). */
    void append(int a, int b, int l) {
        if (n == ao.length) {
            ao = java.util.Arrays.copyOf(ao, 2 * n);
            bo = java.util.Arrays.copyOf(bo, 2 * n);
            len = java.util.Arrays.copyOf(len, 2 * n);
        }
        ao[n] = a;
        bo[n] = b;
        len[n] = l;
        n++;
    }
}
