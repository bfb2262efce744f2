package io.gradcam4j.cli;

import io.gradcam4j.cam.audit.MaskImage;
import io.gradcam4j.cam.metrics.ObjectMask;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the object is in each audited image: a mask PNG of the same relative path under
 * {@code --masks DIR} (or of the same stem directly in it; non-zero = object), or the boxes of a
 * {@code --boxes FILE.csv} ({@code file,x0,y0,x1,y1} in pixels, x1 and y1 exclusive, several lines
 * for one file are united; the file column is the image's relative path or its file name). A
 * mask of another size than its image is resized (nearest) and says so.
 */
final class ObjectRegions {

    /** The object of one image, or {@code null} with a note saying why there is none. */
    record Region(ObjectMask mask, String note) {
    }

    private final Path masks;
    private final Map<String, List<int[]>> boxes;
    private final long maxPixels;

    private ObjectRegions(Path masks, Map<String, List<int[]>> boxes, long maxPixels) {
        this.masks = masks;
        this.boxes = boxes;
        this.maxPixels = maxPixels;
    }

    static ObjectRegions none() {
        return new ObjectRegions(null, null, 0);
    }

    static ObjectRegions masks(Path folder, long maxPixels) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidRequestException("--masks must be a folder of mask PNGs, got " + folder
                    + (Files.exists(folder) ? " (a file)" : " (not found)"));
        }
        return new ObjectRegions(folder, null, maxPixels);
    }

    /** Reads the whole CSV first: a malformed line is refused with its number before any work. */
    static ObjectRegions boxes(Path csv) throws IOException {
        Map<String, List<int[]>> byFile = new HashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.toLowerCase().startsWith("file,"))) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 5) {
                throw new InvalidRequestException(csv + " line " + (i + 1) + ": expected file,x0,y0,x1,y1, got " + line);
            }
            int[] box = new int[4];
            for (int k = 0; k < 4; k++) {
                try {
                    box[k] = (int) Math.round(Double.parseDouble(f[k + 1].strip()));
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException(csv + " line " + (i + 1) + ": " + f[k + 1].strip()
                            + " is not a pixel coordinate");
                }
            }
            if (box[2] <= box[0] || box[3] <= box[1]) {
                throw new InvalidRequestException(csv + " line " + (i + 1) + ": a box needs x0 < x1 and y0 < y1");
            }
            byFile.computeIfAbsent(f[0].strip().replace('\\', '/'), k -> new java.util.ArrayList<>()).add(box);
        }
        return new ObjectRegions(null, byFile, 0);
    }

    boolean any() {
        return masks != null || boxes != null;
    }

    /** The object of the image {@code name} (relative path) whose size is {@code width x height}. */
    Region find(String name, int width, int height) throws IOException {
        if (masks != null) {
            return fromMask(name, width, height);
        }
        if (boxes != null) {
            return fromBoxes(name, width, height);
        }
        return new Region(null, "no-object-region");
    }

    private Region fromMask(String name, int width, int height) throws IOException {
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        Path file = masks.resolve(stem + ".png");
        if (!Files.exists(file)) {
            file = masks.resolve(Path.of(stem).getFileName() + ".png");
        }
        if (!Files.exists(file)) {
            return new Region(null, "no-mask (looked for " + masks.resolve(stem + ".png") + ")");
        }
        MaskImage.Region r = MaskImage.read(readBytes(file), file.toString(), width, height, maxPixels);
        return new Region(r.mask(), r.note());
    }

    private static byte[] readBytes(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(io.gradcam4j.engine.IoErrors.describe(e), e);
        }
    }

    private Region fromBoxes(String name, int width, int height) {
        List<int[]> list = boxes.get(name);
        if (list == null) {
            list = boxes.get(Path.of(name).getFileName().toString());
        }
        if (list == null) {
            return new Region(null, "no-box (no line for " + name + ")");
        }
        boolean[] inside = new boolean[width * height];
        for (int[] b : list) {
            ObjectMask one = ObjectMask.box(width, height, b[0], b[1], b[2], b[3]);
            for (int i = 0; i < inside.length; i++) {
                inside[i] |= one.contains(i % width, i / width);
            }
        }
        return new Region(ObjectMask.of(width, height, inside), null);
    }
}
