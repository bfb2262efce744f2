package io.gradcam4j.web;

import io.gradcam4j.cam.ClassMap;
import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.Overlay;

import javax.imageio.ImageIO;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * The pictures of an answer, as PNG data URLs. The page shows the picture at most {@link #MAX_SIDE}
 * pixels on its longer side (a 20 MB photo would otherwise come back as a 100 MB answer); the map
 * itself ({@code cam} in the report) is the same at any picture size.
 */
final class Pictures {
    static final int MAX_SIDE = 1024;

    private Pictures() {
    }

    /** The image scaled (bilinear) so that its longer side is at most {@link #MAX_SIDE}; smaller ones as they are. */
    static BufferedImage shown(BufferedImage original) {
        int w = original.getWidth();
        int h = original.getHeight();
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(w, h));
        int sw = Math.max(1, (int) Math.round(w * scale));
        int sh = Math.max(1, (int) Math.round(h * scale));
        BufferedImage out = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(original, 0, 0, sw, sh, null);
        g.dispose();
        return out;
    }

    /** The coloured heatmap at the picture's size: the page blends it over the picture at any opacity. */
    static String heatmap(ClassMap map, BufferedImage picture, Colormap colormap) {
        return dataUrl(Overlay.heatmap(map, picture.getWidth(), picture.getHeight(), colormap));
    }

    /** The map at its own resolution (the layer's, for a CAM method), coloured. */
    static String rawMap(ClassMap map, Colormap colormap) {
        return dataUrl(Overlay.heatmap(map, map.cam().dim(1), map.cam().dim(0), colormap));
    }

    /** {@code explain}'s overlay: picture + alpha x heatmap, min-max scaled (the Keras example). */
    static String overlay(ClassMap map, BufferedImage picture, Colormap colormap, float alpha) {
        return dataUrl(Overlay.overlay(picture, map, colormap, alpha));
    }

    static String dataUrl(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);   // writing to memory
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
