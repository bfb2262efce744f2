package io.gradcam4j.cam.methods;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The projection of a layer's pixels on their first principal component, as pytorch-grad-cam's
 * {@code get_2d_projection}: the Z x K matrix of pixels x channels, each column minus its mean,
 * projected on its first right singular vector (EJML's SVD).
 *
 * <p>An SVD's sign is arbitrary (pytorch-grad-cam leaves it to LAPACK, so its maps can come out
 * negated and then vanish under the ReLU). Here it is fixed: the component is turned so that the
 * projection grows with {@code reference}, the layer's total activation per pixel (it points to
 * where the layer is active); when that correlation is exactly 0, so that the projection's
 * largest-magnitude entry is positive.
 */
final class PrincipalComponent {

    /** The projection (Z values) and the component (K values, the channel weights). */
    record Projection(double[] values, double[] axis) {
    }

    private PrincipalComponent() {
    }

    /**
     * @param matrix Z x K values, row-major (pixels x channels)
     * @param reference one value per pixel that the projection's sign follows
     */
    static Projection project(float[] matrix, int z, int k, double[] reference) {
        if (z < 2) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("a principal component needs at least two pixels; the layer has " + z);
        }
        DMatrixRMaj x = new DMatrixRMaj(z, k);
        for (int c = 0; c < k; c++) {
            double mean = 0;
            for (int p = 0; p < z; p++) {
                mean += matrix[p * k + c];
            }
            mean /= z;
            for (int p = 0; p < z; p++) {
                x.set(p, c, matrix[p * k + c] - mean);
            }
        }
        double[] axis = firstRightSingularVector(x);
        double[] projection = new double[z];
        for (int p = 0; p < z; p++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                s += x.get(p, c) * axis[c];
            }
            projection[p] = s;
        }
        if (shouldFlip(projection, reference)) {
            for (int p = 0; p < z; p++) {
                projection[p] = -projection[p];
            }
            for (int c = 0; c < k; c++) {
                axis[c] = -axis[c];
            }
        }
        return new Projection(projection, axis);
    }

    private static double[] firstRightSingularVector(DMatrixRMaj x) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(x.numRows, x.numCols, false, true, true);
        if (!svd.decompose(x.copy())) {
            throw new IllegalStateException("the singular value decomposition did not converge");
        }
        double[] s = svd.getSingularValues();
        int best = 0;
        for (int i = 1; i < svd.numberOfSingularValues(); i++) {
            if (s[i] > s[best]) {
                best = i;
            }
        }
        DMatrixRMaj v = svd.getV(null, false);   // K x r, right singular vectors as columns
        double[] axis = new double[x.numCols];
        for (int c = 0; c < axis.length; c++) {
            axis[c] = v.get(c, best);
        }
        return axis;
    }

    private static boolean shouldFlip(double[] projection, double[] reference) {
        double agreement = 0;
        for (int p = 0; p < projection.length; p++) {
            agreement += projection[p] * reference[p];
        }
        if (agreement != 0) {
            return agreement < 0;
        }
        int largest = 0;
        for (int p = 1; p < projection.length; p++) {
            if (Math.abs(projection[p]) > Math.abs(projection[largest])) {
                largest = p;
            }
        }
        return projection[largest] < 0;
    }
}
