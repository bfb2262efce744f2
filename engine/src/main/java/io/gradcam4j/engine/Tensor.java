package io.gradcam4j.engine;

import java.util.Arrays;

/**
 * A dense float32 array with a shape, stored row-major (C order). Images are NHWC, as Keras
 * stores them, so the channel of one pixel is contiguous in memory.
 *
 * <p>Tensors are plain value holders: ops read {@link #data()} directly. Shapes are checked
 * once, where a tensor is created or an op starts, with messages that name the shapes.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        long size = sizeOf(s);
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " holds " + size
                    + " values but the data has " + data.length);
        }
        return new Tensor(s, data);
    }

    public static Tensor zeros(int... shape) {
        int[] s = shape.clone();
        long size = sizeOf(s);
        if (size > Integer.MAX_VALUE - 8) {
            throw new io.gradcam4j.engine.errors.ResourceLimitException("shape " + Arrays.toString(s)
                    + " is too large for one array");
        }
        return new Tensor(s, Workspace.zeros((int) size));
    }

    public static Tensor zerosLike(Tensor t) {
        return new Tensor(t.shape.clone(), Workspace.zeros(t.data.length));
    }

    public static Tensor scalar(float value) {
        return new Tensor(new int[0], new float[] {value});
    }

    /** Number of values a shape holds; every dimension must be positive. */
    public static long sizeOf(int[] shape) {
        long size = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a non-positive dimension");
            }
            size *= d;
        }
        return size;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}; negative axes count from the end as in Keras. */
    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int size() {
        return data.length;
    }

    /** The backing array, row-major. Writes are visible to every holder of this tensor. */
    public float[] data() {
        return data;
    }

    public Tensor copy() {
        float[] d = Workspace.uninitialized(data.length);
        System.arraycopy(data, 0, d, 0, data.length);
        return new Tensor(shape.clone(), d);
    }

    /** Same values, new shape (a view sharing the data). */
    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    /** {@code n} copies of a batch-1 tensor along the first axis. */
    public static Tensor repeat(Tensor one, int n) {
        if (one.rank() < 1 || one.shape[0] != 1) {
            throw new IllegalArgumentException("repeat takes a batch of one, got " + one);
        }
        int[] s = one.shape.clone();
        s[0] = n;
        Tensor r = zeros(s);
        for (int i = 0; i < n; i++) {
            System.arraycopy(one.data, 0, r.data, i * one.data.length, one.data.length);
        }
        return r;
    }

    /** Batches of one, of one shape, as one batch: (1, ...) x n becomes (n, ...). */
    public static Tensor stack(java.util.List<Tensor> items) {
        Tensor first = items.get(0);
        if (first.rank() < 1 || first.shape[0] != 1) {
            throw new IllegalArgumentException("stack takes batches of one, got " + first);
        }
        int[] s = first.shape.clone();
        s[0] = items.size();
        Tensor r = zeros(s);
        int size = first.data.length;
        for (int i = 0; i < items.size(); i++) {
            Tensor t = items.get(i);
            if (!Arrays.equals(t.shape, first.shape)) {
                throw new IllegalArgumentException("cannot stack " + t + " with " + first);
            }
            System.arraycopy(t.data, 0, r.data, i * size, size);
        }
        return r;
    }

    /** Item {@code i} of the first axis, as a copy that keeps a first axis of 1. */
    public Tensor item(int i) {
        int n = shape[0];
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("item " + i + " of " + this);
        }
        int size = data.length / n;
        int[] s = shape.clone();
        s[0] = 1;
        float[] d = new float[size];
        System.arraycopy(data, i * size, d, 0, size);
        return new Tensor(s, d);
    }

    public boolean hasShape(int... s) {
        return Arrays.equals(shape, s);
    }

    /** Throws unless this tensor has rank {@code rank}; {@code what} names the caller in the message. */
    public void requireRank(int rank, String what) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(what + " expects a rank-" + rank + " input but got shape "
                    + Arrays.toString(shape));
        }
    }

    public void requireShape(int[] expected, String what) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException(what + " expects shape " + Arrays.toString(expected)
                    + " but got " + Arrays.toString(shape));
        }
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
