package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs made to hurt: an image whose header declares 20000 x 20000 pixels (a 74-byte
 * decompression bomb) run in a JVM of 256 MB beside a good image, and a batch with a NaN in one
 * item. Each bad input is reported with what is wrong, the good ones are explained, the exit code
 * is 1, and the JSON holds numbers only.
 */
class HostileInputTest {
    private static final Path STAR = TestData.projectRoot().resolve("tools/src/main/resources/io/gradcam4j/demo/star.png");

    @TempDir
    Path tmp;

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderInASmallHeapAndTheNextImageIsExplained() throws Exception {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, pngHeaderOnly(20000, 20000));
        assertTrue(Files.size(bomb) < 100);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GradcamCommand.class.getName(), "explain", "--json", "--out", tmp.resolve("out").toString(),
                bomb.toString(), STAR.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM did not finish");
        double seconds = (System.nanoTime() - t0) / 1e9;
        JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(1, p.exitValue(), j.toString());
        assertEquals(1, j.get("results").size(), "the good image is explained");
        assertEquals("ok", j.get("results").get(0).get("targets").get(0).get("status").asText());
        JsonNode failure = j.get("failures").get(0);
        assertTrue(failure.get("error").asText().contains("20000x20000")
                && failure.get("error").asText().contains("--max-pixels"), failure.toString());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }

    @Test
    void aLargerLimitIsAnOptionAndTheLimitIsCheckedBeforeDecoding() throws IOException {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, pngHeaderOnly(20000, 20000));
        CliRun r = CliRun.run("explain", "--json", "--max-pixels", "1000", "--out", tmp.toString(), STAR.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("more than the limit of 1000"), r.out());
    }

    @Test
    void aNaNInOneItemOfABatchFailsThatItemOnly() throws IOException {
        float[] data = new float[3 * 32 * 32 * 3];
        java.util.Arrays.fill(data, 100f);
        data[32 * 32 * 3 + 17] = Float.NaN;   // item 1
        Path batch = tmp.resolve("batch.npy");
        Npy.write(Tensor.of(data, 3, 32, 32, 3), batch);
        CliRun r = CliRun.run("explain", "--input", batch.toString(), "--json", "--out", tmp.resolve("o").toString());
        assertEquals(1, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(2, j.get("results").size());
        JsonNode failure = j.get("failures").get(0);
        assertTrue(failure.get("image").asText().endsWith("batch.npy[1]"), failure.toString());
        assertTrue(failure.get("error").asText().startsWith("non-finite-input"), failure.toString());
        assertTrue(numbersOnly(j), "no NaN or infinity written as a string for a number");
    }

    /**
     * One error root: every failure's JSON says its kind, so a caller tells a user's mistake from
     * a damaged file, an unsupported feature and a resource limit without reading the message.
     */
    @Test
    void everyFailureSaysItsKind() throws IOException {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, pngHeaderOnly(20000, 20000));
        Path gif = tmp.resolve("image.gif");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "gif", gif.toFile());
        Path truncated = tmp.resolve("truncated.png");
        byte[] star = Files.readAllBytes(STAR);
        Files.write(truncated, java.util.Arrays.copyOf(star, star.length / 2));
        Path missing = tmp.resolve("missing.png");
        CliRun r = CliRun.run("predict", "--json", bomb.toString(), gif.toString(), truncated.toString(), missing.toString(),
                STAR.toString());
        assertEquals(1, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(1, j.get("results").size());
        java.util.Map<String, String> kinds = new java.util.HashMap<>();
        j.get("failures").forEach(f -> kinds.put(Path.of(f.get("image").asText()).getFileName().toString(),
                f.get("kind").asText()));
        assertEquals(java.util.Map.of("bomb.png", "resource-limit", "image.gif", "unsupported",
                "truncated.png", "damaged-input", "missing.png", "io"), kinds);
        CliRun badClass = CliRun.run("explain", "--json", "--class", "top:x", "--out", tmp.toString());
        assertEquals(2, badClass.code());
        assertEquals("invalid-request", badClass.json().get("kind").asText());
    }

    /** The command line in a JVM of 256 MB: its exit code, its JSON and its seconds. */
    private record SmallJvmRun(int code, JsonNode json, double seconds) {
    }

    private static SmallJvmRun inSmallJvm(String... args) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(javaBin, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), GradcamCommand.class.getName()));
        command.addAll(java.util.List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the JVM did not finish");
        return new SmallJvmRun(p.exitValue(), new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A model whose input layer declares 100000 x 100000 pixels (the demo architecture, so its
     * weights are small): refused from its declared shapes before any image is resized to it, in
     * 256 MB, also with the pixel limit raised: a 30-billion-value input is no array Java can hold.
     */
    @Test
    void aModelDeclaringAHugeInputIsRefusedBeforeAnythingIsAllocated() throws Exception {
        Path model = tmp.resolve("huge_input.h5");
        var spec = io.gradcam4j.demo.ShapesModel.spec(100000, 5, new int[] {4, 4, 4});
        io.gradcam4j.keras.KerasH5Writer.save(io.gradcam4j.demo.ShapesModel.model(spec,
                io.gradcam4j.demo.ShapesModel.initialWeights(spec, 1)), model);
        SmallJvmRun r = inSmallJvm("explain", "--json", "--model", model.toString(), "--out",
                tmp.resolve("out").toString(), STAR.toString());
        assertTrue(r.code() != 0, r.json().toString());
        String why = r.json().toString();
        assertTrue(why.contains("100000") && why.contains("resource-limit"), why);
        SmallJvmRun raised = inSmallJvm("explain", "--json", "--model", model.toString(), "--max-pixels",
                "100000000000", "--out", tmp.resolve("out2").toString(), STAR.toString());
        String because = raised.json().toString();
        assertTrue(raised.code() != 0 && because.contains("100000") && because.contains("resource-limit"), because);
        assertTrue(r.seconds() < 60 && raised.seconds() < 60, r.seconds() + " s, " + raised.seconds() + " s");
    }

    /** A 26-byte labels file declaring index 2000000000 is refused at once in 256 MB (it once took 5.4 GB). */
    @Test
    void aLabelsFileWithAnAbsurdIndexIsRefusedInASmallHeap() throws Exception {
        Path labels = tmp.resolve("labels.json");
        Files.writeString(labels, "{\"2000000000\": [\"n\",\"x\"]}");
        SmallJvmRun r = inSmallJvm("predict", "--json", "--labels", labels.toString(), STAR.toString());
        assertTrue(r.code() != 0, r.json().toString());
        String why = r.json().get("error").asText();
        assertTrue(why.contains("labels.json") && why.contains("class index"), why);
        assertTrue(r.seconds() < 30, r.seconds() + " s");
    }

    /** Whether no value is one of the strings Jackson writes for a non-finite number. */
    private static boolean numbersOnly(JsonNode n) {
        if (n.isTextual()) {
            return !java.util.Set.of("NaN", "Infinity", "-Infinity").contains(n.asText());
        }
        for (JsonNode child : n) {
            if (!numbersOnly(child)) {
                return false;
            }
        }
        return true;
    }

    /** A PNG signature, an IHDR that declares {@code w x h} RGB pixels, a tiny IDAT and IEND. */
    static byte[] pngHeaderOnly(int w, int h) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        Deflater d = new Deflater();
        d.setInput(new byte[1000]);
        d.finish();
        byte[] z = new byte[100];
        chunk(png, "IDAT", java.util.Arrays.copyOf(z, d.deflate(z)));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
