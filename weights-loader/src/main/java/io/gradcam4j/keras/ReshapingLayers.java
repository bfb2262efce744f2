package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.Op;
import io.gradcam4j.engine.ops.CenterCrop;
import io.gradcam4j.engine.ops.Chain;
import io.gradcam4j.engine.ops.Cropping2D;
import io.gradcam4j.engine.ops.Reshape;
import io.gradcam4j.engine.ops.Resize;
import io.gradcam4j.engine.ops.Transpose;
import io.gradcam4j.engine.ops.UpSampling2D;
import io.gradcam4j.engine.ops.ZeroPadding2D;

import java.util.List;

/** The layers that move values without computing new ones: reshape, permute, pad, crop, resize. */
final class ReshapingLayers {
    static final List<KerasClass> CLASSES = List.of(
            KerasClass.of("Flatten", (c, w, o) -> Reshape.flatten()).withFlatOutput(),
            KerasClass.of("Reshape", (c, w, o) -> new Reshape(c.integers("target_shape"))),
            KerasClass.of("Permute", (c, w, o) -> permute(c)),
            KerasClass.of("ZeroPadding2D", (c, w, o) -> zeroPadding(c))
                    .withKeras1Config(ReshapingLayers::keras1Padding),
            KerasClass.of("Cropping2D", (c, w, o) -> cropping(c)),
            KerasClass.of("UpSampling2D", (c, w, o) -> upSampling(c)),
            KerasClass.of("Resizing", (c, w, o) -> resizing(c)),
            KerasClass.of("CenterCrop", (c, w, o) ->
                    CenterCrop.toSize(c.integer("height", -1), c.integer("width", -1))));

    private ReshapingLayers() {
    }

    private static Op permute(LayerConfig c) {
        int[] dims = c.integers("dims");
        int[] perm = new int[dims.length + 1];
        for (int i = 0; i < dims.length; i++) {
            perm[i + 1] = dims[i];
        }
        return new Transpose(perm);
    }

    private static Op zeroPadding(LayerConfig c) {
        c.requireChannelsLast();
        int[] b = c.borders("padding", 1);
        return new ZeroPadding2D(b[0], b[1], b[2], b[3]);
    }

    /** Keras 1.2 also allowed {@code (top, bottom, left, right)}: the Keras 2 form is two pairs. */
    private static ObjectNode keras1Padding(ObjectNode c) {
        if (c.path("padding").size() == 4) {
            JsonNodeFactory nodes = JsonNodeFactory.instance;
            JsonNode p = c.get("padding");
            c.set("padding", nodes.arrayNode()
                    .add(nodes.arrayNode().add(p.get(0).asInt()).add(p.get(1).asInt()))
                    .add(nodes.arrayNode().add(p.get(2).asInt()).add(p.get(3).asInt())));
        }
        return c;
    }

    private static Op cropping(LayerConfig c) {
        c.requireChannelsLast();
        int[] b = c.borders("cropping", 0);
        return new Cropping2D(b[0], b[1], b[2], b[3]);
    }

    private static Op upSampling(LayerConfig c) {
        c.requireChannelsLast();
        String interpolation = c.string("interpolation", "nearest");
        if (!interpolation.equals("nearest")) {
            throw c.unsupported("interpolation '" + interpolation + "' is not supported; only nearest");
        }
        int[] size = c.positivePair("size", 2);
        return new UpSampling2D(size[0], size[1]);
    }

    /** Keras Resizing: TF's resize with half-pixel centers, optionally cropping to the aspect ratio first. */
    private static Op resizing(LayerConfig c) {
        int h = c.integer("height", -1);
        int wd = c.integer("width", -1);
        String interpolation = c.string("interpolation", "bilinear");
        Resize.Interpolation mode = switch (interpolation) {
            case "bilinear" -> Resize.Interpolation.BILINEAR;
            case "nearest" -> Resize.Interpolation.NEAREST;
            default -> throw c.unsupported("interpolation '" + interpolation + "' is not supported (bilinear, nearest)");
        };
        if (c.bool("crop_to_aspect_ratio", false)) {
            return Chain.of(CenterCrop.toAspectRatio(h, wd), new Resize(h, wd, mode));
        }
        return new Resize(h, wd, mode);
    }
}
