package io.gradcam4j.spark;

import io.gradcam4j.cam.ScoreKind;

import java.io.Serializable;
import java.util.List;

/**
 * Everything a partition needs to explain its rows, checked on the driver and shipped with the
 * task: the model, the method and its layers, the classes, the score, the batch size, the overlay
 * switch, and where the input, mask and label are in a row.
 *
 * @param layers the method's layers; empty for an input-space method
 * @param maskColumn the mask column's index in the row, or -1
 * @param labelColumn the true-label column's index in the row, or -1
 */
record ExplainSettings(ModelSpec model, String method, List<String> layers, ClassRequest classes, ScoreKind scoreKind,
                       int batchSize, boolean overlay, ImageInput input, int maskColumn, int labelColumn)
        implements Serializable {
}
