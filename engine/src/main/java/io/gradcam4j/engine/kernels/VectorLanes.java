package io.gradcam4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every Vector API kernel is written against, {@link FloatVector#SPECIES_PREFERRED}
 * (16 lanes on AVX-512, 8 on AVX2), and the few lane-level helpers they share. Kept in one place so
 * that each kernel family reads the same constants, which C2 folds.
 */
final class VectorLanes {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * The species' vector class (Float512Vector, Float256Vector). C2 on JDK 17 turns a vector
     * operation into one instruction only if it knows the exact class of the vectors it is given;
     * for a value that comes out of another vector operation it learns that from the Vector API's
     * type profiles, and when those are thin at compile time (a loaded machine, an early
     * compilation) the operation stays a call that boxes every vector, for the life of the JVM
     * (Xception 3-4x slower). {@code VC.cast(v)} states the class instead: C2 intrinsifies
     * Class.cast with a constant class into a type check that it then folds away. So every
     * vector that reaches an operation other than as a fresh load, broadcast or loop-carried
     * accumulator of a tile is cast first.
     */
    @SuppressWarnings("unchecked")
    static final Class<? extends FloatVector> VC = (Class<? extends FloatVector>) S.vectorType();
    /** The species' mask class, for the same reason as {@link #VC}. */
    @SuppressWarnings("unchecked")
    static final Class<? extends VectorMask<Float>> MC = (Class<? extends VectorMask<Float>>) S.maskAll(true).getClass();
    /** 0, 1, ..., L - 1: {@link #lanesFrom} compares with it. */
    private static final FloatVector LANE_NUMBERS = FloatVector.fromArray(S, laneNumbers(), 0);
    /** Lanes per vector: 16 with AVX-512, 8 with AVX2. */
    static final int L = S.length();
    /**
     * Half a vector (8 lanes on AVX-512, 4 on AVX2): the tiles of a convolution whose last output
     * channels fill only half a vector (MobileNet 0.25's stem has 8, Xception's 728 end in 8 past
     * a multiple of 16) store it whole instead of computing a full vector of which half is thrown away.
     */
    static final VectorSpecies<Float> H = VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, S.vectorBitSize() / 2)));
    /** Lanes of {@link #H}. */
    static final int HL = H.length();
    /** {@link #H}'s vector class, for the reason {@link #VC} gives. */
    @SuppressWarnings("unchecked")
    static final Class<? extends FloatVector> HC = (Class<? extends FloatVector>) H.vectorType();

    private VectorLanes() {
    }

    /**
     * The mask of lanes {@code first} to L - 1. Not {@code S.indexInRange}: C2 inlines that only
     * where it has seen it run, and when it compiled a depthwise tile before that, the call stayed
     * a call, boxing its vectors on every channel group (12 MB per Xception pass).
     */
    static VectorMask<Float> lanesFrom(int first) {
        return MC.cast(VC.cast(LANE_NUMBERS).compare(VectorOperators.GE, (float) first));
    }

    /** Reads S, not L: LANE_NUMBERS is initialized before L. */
    static float[] laneNumbers() {
        float[] n = new float[S.length()];
        for (int i = 0; i < n.length; i++) {
            n[i] = i;
        }
        return n;
    }
}
