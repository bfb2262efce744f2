/**
 * The bundled demo model and how it was made: {@link io.gradcam4j.demo.ShapesDataset} generates
 * labelled pictures of shapes on cluttered backgrounds (with each object's mask),
 * {@link io.gradcam4j.demo.ShapesModel} writes a small Keras CNN, {@link io.gradcam4j.demo.TrainDemo}
 * trains it with the engine's {@link io.gradcam4j.engine.train.Trainer} and writes
 * {@code shapes_cnn.h5}, demo pictures and {@code demo.json} into
 * {@code tools/src/main/resources/io/gradcam4j/demo/}, and {@link io.gradcam4j.demo.PointingGame}
 * measures accuracy and where Grad-CAM points on held-out pictures.
 */
package io.gradcam4j.demo;
