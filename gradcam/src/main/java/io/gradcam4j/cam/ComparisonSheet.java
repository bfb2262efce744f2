package io.gradcam4j.cam;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Function;

/**
 * Several methods side by side on one image: one row per explained class, one column per method,
 * each cell the method's overlay at a common size with the method's name above the first row
 * and the class's label at the left. What {@code gradcam explain --method all} writes.
 */
public final class ComparisonSheet {
    private static final int CELL = 160;
    private static final int HEADER = 22;
    private static final int LABEL = 110;

    private ComparisonSheet() {
    }

    /**
     * @param explanations one per method, all of the same image and the same classes in the same order
     * @param label the name of a class index
     */
    public static BufferedImage draw(BufferedImage image, List<Explanation> explanations, Function<Integer, String> label,
                                     Colormap colormap, float alpha) {
        int rows = explanations.get(0).maps().size();
        int cols = explanations.size();
        BufferedImage sheet = new BufferedImage(LABEL + cols * CELL, HEADER + rows * CELL, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int c = 0; c < cols; c++) {
            g.drawString(explanations.get(c).method(), LABEL + c * CELL + 4, HEADER - 6);
        }
        for (int r = 0; r < rows; r++) {
            ClassMap first = explanations.get(0).maps().get(r);
            g.drawString(label.apply(first.classIndex()), 4, HEADER + r * CELL + CELL / 2);
            for (int c = 0; c < cols; c++) {
                ClassMap map = explanations.get(c).maps().get(r);
                BufferedImage cell = Overlay.overlay(image, map, colormap, alpha);
                g.drawImage(cell, LABEL + c * CELL, HEADER + r * CELL, CELL, CELL, null);
                if (!map.status().drawable()) {
                    g.setColor(Color.WHITE);
                    g.drawString(map.status().json(), LABEL + c * CELL + 4, HEADER + r * CELL + CELL - 6);
                    g.setColor(Color.BLACK);
                }
            }
        }
        g.dispose();
        return sheet;
    }
}
