/**
 * The bundled demo models and how they were made.
 * <ul>
 *   <li>{@link io.gradcam4j.demo.ShapesDataset} generates labelled pictures of five shapes with each
 *       object's mask: a {@link io.gradcam4j.demo.Shape} painted filled or outlined on a background
 *       ({@link io.gradcam4j.demo.Backgrounds}: clutter that says nothing about the class, or
 *       {@link io.gradcam4j.demo.ShortcutTextures}: one texture per class), degraded
 *       ({@link io.gradcam4j.demo.Degradation}) and resized as the command line resizes a file;
 *   <li>{@link io.gradcam4j.demo.ShapesModel} writes a small Keras CNN,
 *       {@link io.gradcam4j.demo.TrainDemo} trains it with the engine's
 *       {@link io.gradcam4j.engine.train.Trainer}: the clean {@code demo} model and the
 *       {@code demo-shortcut} model, written with their JSON records into
 *       {@code tools/src/main/resources/io/gradcam4j/demo/};
 *   <li>{@link io.gradcam4j.demo.PointingGame} measures accuracy and where Grad-CAM points on
 *       generated pictures, {@link io.gradcam4j.demo.HeldOutEvaluation} accuracy and the on-object
 *       share of Grad-CAM on folders of pictures with masks ({@link io.gradcam4j.demo.HeldOutSet},
 *       {@code testdata/shapes}), which {@link io.gradcam4j.demo.WriteShapesSet} writes.
 * </ul>
 */
package io.gradcam4j.demo;
