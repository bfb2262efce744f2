package io.gradcam4j.engine;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Big float arrays handed back for reuse. A forward pass of Xception creates about 450 MB of
 * activations, each read by one or two layers and then dead; allocating them anew every time
 * costs page faults, zeroing of fresh memory and a garbage collection per image. While a thread
 * runs inside a workspace ({@link #enter}), {@link Tensor#zeros} takes a returned array of the
 * same length when there is one, and the graph executor returns each activation once nothing
 * can read it any more.
 *
 * <p>Only code that knows an array is dead calls {@link #recycle}: the executor for activations
 * and chain intermediates, the kernels for their per-call buffers. Every other array simply
 * becomes garbage as before. Outside a workspace nothing changes.
 *
 * <p>A returned array is held through a {@link SoftReference}: the collector takes it back before
 * it would throw {@link OutOfMemoryError}, so a workspace never makes a run fail that would have
 * fitted without it (another batch size, another model beside this one). That is what lets it hold
 * up to half the heap: with an eighth (of a 6 GB heap), Xception at batch 32 dropped most of its
 * returned activations and allocated 4.9 GB per pass; with half, 0.13 GB.
 */
public final class Workspace {
    /** Smaller arrays are cheap to allocate and not worth the bookkeeping. */
    private static final int MIN_FLOATS = 4096;
    /**
     * Arrays kept per length: more than a graph ever holds at once. Beyond it, arrays that were
     * created outside the workspace and handed in would pile up run after run until the limit,
     * and then the arrays that are reused would be dropped instead.
     */
    private static final int MAX_PER_LENGTH = 8;
    private static final ThreadLocal<Workspace> CURRENT = new ThreadLocal<>();

    private final Map<Integer, ArrayDeque<SoftReference<float[]>>> free = new HashMap<>();
    private final long limitFloats;
    private long heldFloats;

    /** A workspace holding at most half the heap's maximum in returned arrays. */
    public Workspace() {
        this(Runtime.getRuntime().maxMemory() / 2 / Float.BYTES);
    }

    Workspace(long limitFloats) {
        this.limitFloats = limitFloats;
    }

    /** Makes this the current thread's workspace until the returned scope is closed. */
    public Scope enter() {
        Workspace previous = CURRENT.get();
        CURRENT.set(this);
        return () -> CURRENT.set(previous);
    }

    /** Ends a thread's stay in a workspace; closing never fails. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** A zeroed array: a returned one from the current thread's workspace if it has one, else new. */
    public static float[] zeros(int length) {
        float[] a = returned(length);
        if (a == null) {
            return new float[length];
        }
        Arrays.fill(a, 0f);
        return a;
    }

    /**
     * An array whose contents are undefined (a returned one is not cleared): for callers that
     * write every element before reading any.
     */
    public static float[] uninitialized(int length) {
        float[] a = returned(length);
        return a != null ? a : new float[length];
    }

    /** A returned array of this length from the current thread's workspace, or null. */
    private static float[] returned(int length) {
        Workspace w = CURRENT.get();
        return w != null && length >= MIN_FLOATS ? w.take(length) : null;
    }

    /**
     * Gives {@code a} to the current thread's workspace for reuse. The caller promises that
     * nothing reads or writes {@code a} any more. Ignored outside a workspace.
     */
    public static void recycle(float[] a) {
        Workspace w = CURRENT.get();
        if (w != null && a.length >= MIN_FLOATS) {
            w.give(a);
        }
    }

    /** A held array of this length, or null; references the collector cleared are dropped on the way. */
    private synchronized float[] take(int length) {
        ArrayDeque<SoftReference<float[]>> q = free.get(length);
        while (q != null && !q.isEmpty()) {
            float[] a = q.poll().get();
            heldFloats -= length;
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    private synchronized void give(float[] a) {
        ArrayDeque<SoftReference<float[]>> q = free.computeIfAbsent(a.length, k -> new ArrayDeque<>());
        if (heldFloats + a.length > limitFloats) {
            dropCleared();
        }
        if (heldFloats + a.length > limitFloats || q.size() >= MAX_PER_LENGTH) {
            return;     // let the garbage collector have it
        }
        q.push(new SoftReference<>(a));
        heldFloats += a.length;
    }

    /** Forgets the references whose arrays the collector took, so that they no longer count as held. */
    private void dropCleared() {
        for (Map.Entry<Integer, ArrayDeque<SoftReference<float[]>>> e : free.entrySet()) {
            int before = e.getValue().size();
            e.getValue().removeIf(r -> r.get() == null);
            heldFloats -= (long) (before - e.getValue().size()) * e.getKey();
        }
    }
}
