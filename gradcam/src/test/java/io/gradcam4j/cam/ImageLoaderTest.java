package io.gradcam4j.cam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Image loading against Pillow + Keras's load_img (testdata/images, written by
 * tools/reference/images/generate_images.py): every source format, colour mode, target size,
 * interpolation and aspect-ratio crop must give exactly Pillow's pixel values.
 */
class ImageLoaderTest {

    @TestFactory
    List<DynamicTest> loadsExactlyAsKerasLoadImg() throws IOException {
        Path dir = TestData.testdata("images");
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile()).get("cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                ImageLoader.Options o = new ImageLoader.Options(c.get("target_size").get(0).asInt(),
                        c.get("target_size").get(1).asInt(), c.get("color_mode").asText().equals("rgb") ? 3 : 1,
                        ImageLoader.Interpolation.valueOf(c.get("interpolation").asText().toUpperCase()),
                        c.get("keep_aspect_ratio").asBoolean());
                Tensor got = ImageLoader.load(dir.resolve(c.get("source").asText()), o).pixels();
                Tensor expected = Npy.read(dir.resolve(c.get("expected").asText()));
                assertArrayEquals(expected.shape(), java.util.Arrays.copyOfRange(got.shape(), 1, 4));
                assertArrayEquals(expected.data(), got.data(), 0f);
            }));
        }
        return tests;
    }

    @Test
    void aTextFileIsNotAnImage() {
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageLoader.load(
                TestData.testdata("images", "not_an_image.png"),
                new ImageLoader.Options(8, 8, 3, ImageLoader.Interpolation.NEAREST, false)));
        assertTrue(e.getMessage().contains("not_an_image.png"), e.getMessage());
    }

    @Test
    void aTruncatedJpegIsRefused() {
        ImageFormatException e = assertThrows(ImageFormatException.class, () -> ImageLoader.load(
                TestData.testdata("images", "truncated.jpg"),
                new ImageLoader.Options(8, 8, 3, ImageLoader.Interpolation.NEAREST, false)));
        assertTrue(e.getMessage().contains("truncated.jpg"), e.getMessage());
    }
}
