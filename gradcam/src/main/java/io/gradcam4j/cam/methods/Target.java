package io.gradcam4j.cam.methods;

/**
 * One class of one image of a batch to explain.
 *
 * @param image the image's index in the batch
 * @param classIndex the class
 * @param slot the class's place in the image's list of classes: the backward pass of slot s
 *     serves the s-th class of every image of the batch at once
 */
public record Target(int image, int classIndex, int slot) {
}
