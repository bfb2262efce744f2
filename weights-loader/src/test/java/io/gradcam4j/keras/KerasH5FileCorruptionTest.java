package io.gradcam4j.keras;

import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each kind of damaged or incomplete file gets its own clear, typed error naming the file and the
 * HDF5 object. The files are written here with jhdf: a one-layer model (Conv2D 1x1, 5 -> 7
 * channels) that loads, then one thing broken per test.
 */
class KerasH5FileCorruptionTest {
    private static final String CONFIG = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
            + "{\"class_name\": \"Conv2D\", \"config\": {\"name\": \"conv\", \"filters\": 7, \"kernel_size\": [1, 1],"
            + " \"use_bias\": true, \"batch_input_shape\": [null, 4, 4, 5]}}]}}";

    @TempDir
    Path dir;

    /** The valid file's parts; each test changes one. */
    private static final class Parts {
        Object modelConfig = CONFIG;
        boolean weightsGroup = true;
        String[] layerNames = {"conv"};
        String[] weightNames = {"conv/kernel:0", "conv/bias:0"};
        Object kernel = kernel();
        Object bias = new float[7];
    }

    private static float[][][][] kernel() {
        float[][][][] k = new float[1][1][5][7];
        for (int i = 0; i < 5; i++) {
            for (int o = 0; o < 7; o++) {
                k[0][0][i][o] = 0.1f * (i + 1) - 0.05f * o;
            }
        }
        return k;
    }

    private Path write(String name, Consumer<Parts> change) {
        Parts p = new Parts();
        change.accept(p);
        Path file = dir.resolve(name);
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            if (p.modelConfig != null) {
                hdf.putAttribute("model_config", p.modelConfig);
            }
            hdf.putAttribute("keras_version", "2.15.0");
            hdf.putAttribute("backend", "tensorflow");
            if (p.weightsGroup) {
                WritableGroup weights = hdf.putGroup("model_weights");
                weights.putAttribute("layer_names", p.layerNames);
                WritableGroup layer = weights.putGroup("conv");
                if (p.weightNames != null) {
                    layer.putAttribute("weight_names", p.weightNames);
                }
                WritableGroup scope = layer.putGroup("conv");
                scope.putDataset("kernel:0", p.kernel);
                scope.putDataset("bias:0", p.bias);
            }
        }
        return file;
    }

    private static <E extends KerasFormatException> E refused(Class<E> type, Path file, String... phrases) {
        E e = assertThrows(type, () -> KerasH5File.load(file));
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "names the file: " + m);
        for (String phrase : phrases) {
            assertTrue(m.contains(phrase), "says '" + phrase + "': " + m);
        }
        return e;
    }

    @Test
    void theUndamagedFileLoadsFromAPathAndFromBytes() throws IOException {
        Path file = write("ok.h5", p -> { });
        Tensor x = Tensor.zeros(1, 4, 4, 5);
        Arrays.fill(x.data(), 1f);
        float[] fromPath = KerasH5File.load(file).predict(x).data();
        float[] fromBytes = KerasH5File.load(Files.readAllBytes(file), "ok.h5").predict(x).data();
        assertEquals(4 * 4 * 7, fromPath.length);
        assertEquals(1.5f - 0.25f * 3, fromPath[3], 1e-5f);     // sum over i of 0.1(i+1) - 0.05*3*5
        assertArrayEquals(fromPath, fromBytes);
    }

    @Test
    void aMissingFileIsAnIOException() {
        assertThrows(NoSuchFileException.class, () -> KerasH5File.load(dir.resolve("absent.h5")));
    }

    @Test
    void anEmptyFileIsNotHdf5() throws IOException {
        Path file = Files.write(dir.resolve("empty.h5"), new byte[0]);
        refused(CorruptModelFileException.class, file, "empty (0 bytes)");
        CorruptModelFileException e = assertThrows(CorruptModelFileException.class,
                () -> KerasH5File.load(new byte[0], "bytes.h5"));
        assertTrue(e.getMessage().startsWith("bytes.h5: "), e.getMessage());
    }

    @Test
    void aTextFileRenamedH5IsNotHdf5AndTheMessageShowsItsStart() throws IOException {
        Path file = Files.writeString(dir.resolve("labels.h5"), "cat,dog\n0,1\n");
        refused(CorruptModelFileException.class, file, "not an HDF5 file", "the text \"cat,dog\\n0,1\\n\"");
    }

    @Test
    void aDamagedSignatureIsSaidSo() throws IOException {
        byte[] b = Files.readAllBytes(write("ok.h5", p -> { }));
        b[5] = 0;
        Path file = Files.write(dir.resolve("sig.h5"), b);
        refused(CorruptModelFileException.class, file, "HDF5 signature is damaged");
    }

    @Test
    void aTruncatedFileIsSaidToBeTruncated() throws IOException {
        byte[] b = Files.readAllBytes(write("ok.h5", p -> { }));
        for (int length : new int[] {b.length - 1, b.length / 2, 200, 40, 9}) {
            Path file = Files.write(dir.resolve("cut" + length + ".h5"), Arrays.copyOf(b, length));
            refused(CorruptModelFileException.class, file, "truncated");
        }
    }

    @Test
    void aTruncatedCorpusFileIsSaidToBeTruncated() throws IOException {
        Path source = TestData.sharedCorpus().resolve("models").resolve("dl4j_cnn_batch_norm.h5");
        assumeTrue(Files.exists(source), source + " is absent; skipping");
        byte[] b = Files.readAllBytes(source);
        Path file = Files.write(dir.resolve("cut.h5"), Arrays.copyOf(b, b.length * 2 / 3));
        CorruptModelFileException e = refused(CorruptModelFileException.class, file, "truncated",
                "says it is " + b.length + " bytes long");
        assertEquals("superblock", e.object());
    }

    @Test
    void aModelConfigThatIsNotJsonIsReportedWithTheParserPosition() {
        Path file = write("notjson.h5", p -> p.modelConfig = "{\"class_name\": \"Sequential\", oops}");
        CorruptModelFileException e = refused(CorruptModelFileException.class, file, "attribute /model_config",
                "is not valid JSON", "line 1, column 30");
        assertEquals("attribute /model_config", e.object());
        Path array = write("array.h5", p -> p.modelConfig = "[1, 2]");
        refused(CorruptModelFileException.class, array, "should hold a JSON object but holds ARRAY");
    }

    @Test
    void aModelConfigThatIsNotAStringIsRefused() {
        Path file = write("intconfig.h5", p -> p.modelConfig = new int[] {1, 2, 3});
        refused(CorruptModelFileException.class, file, "model_config", "should be a string but holds int[3]");
    }

    @Test
    void aFileWithNeitherModelConfigNorLayerNamesIsNotAKerasFile() {
        Path file = write("noconfig.h5", p -> p.modelConfig = null);
        refused(CorruptModelFileException.class, file, "no 'model_config'", "not a Keras model file",
                "keras_version");
    }

    @Test
    void missingModelWeightsIsRefused() {
        Path file = write("noweights.h5", p -> p.weightsGroup = false);
        refused(CorruptModelFileException.class, file, "group /model_weights", "is missing");
    }

    @Test
    void aLayerNameWithoutAGroupIsRefused() {
        Path file = write("ghost.h5", p -> p.layerNames = new String[] {"conv", "ghost"});
        refused(CorruptModelFileException.class, file, "attribute layer_names of /model_weights",
                "lists layer 'ghost', but /model_weights/ghost does not exist");
    }

    @Test
    void aWeightNameWithoutADatasetIsRefused() {
        Path file = write("typo.h5", p -> p.weightNames = new String[] {"conv/kernel:0", "conv/bias_typo:0"});
        refused(CorruptModelFileException.class, file, "attribute weight_names of /model_weights/conv",
                "names weight 'conv/bias_typo:0', but /model_weights/conv/conv/bias_typo:0 does not exist");
    }

    @Test
    void aLayerWhoseGroupListsNoWeightsGetsAClearError() {
        Path file = write("noweightnames.h5", p -> p.weightNames = null);
        refused(KerasFormatException.class, file, "layer 'conv' (Conv2D)", "expects weight 'kernel'",
                "the file has no weights for it: /model_weights/conv has no weight_names attribute");
    }

    @Test
    void anIntegerWeightIsRefused() {
        Path file = write("int.h5", p -> p.bias = new int[7]);
        refused(CorruptModelFileException.class, file, "dataset /model_weights/conv/conv/bias:0",
                "weights must be floating point");
    }

    @Test
    void aNonFiniteWeightIsRefused() {
        float[] bias = new float[7];
        bias[4] = Float.NaN;
        Path file = write("nan.h5", p -> p.bias = bias);
        refused(CorruptModelFileException.class, file, "dataset /model_weights/conv/conv/bias:0",
                "holds NaN at flat index 4", "weights must be finite");
    }

    @Test
    void weightsOfTheWrongShapeAreReportedByTheLayer() {
        Path file = write("shape.h5", p -> p.bias = new float[6]);
        refused(KerasFormatException.class, file, "layer 'conv'", "bias", "[6]");
    }

    /**
     * A flipped bit in a stored dimension must not make the loader allocate gigabytes. Done on a
     * corpus file (h5py writes version-1 object headers, without checksums; jhdf's own files have
     * checksums, so a changed dimension there is caught as a damaged header instead).
     */
    @Test
    void absurdDimensionsAreRefusedBeforeAnyAllocation() throws IOException {
        Path source = TestData.sharedCorpus().resolve("models").resolve("dl4j_cnn_batch_norm.h5");
        assumeTrue(Files.exists(source), source + " is absent; skipping");
        byte[] ok = Files.readAllBytes(source);
        String path = null;
        int[] dims = null;
        try (HdfFile hdf = new HdfFile(source)) {
            for (Node layer : (Group) hdf.getChild("model_weights")) {
                if (layer instanceof Group g) {
                    for (Node scope : g) {
                        if (scope instanceof Group s) {
                            for (Node d : s) {
                                if (path == null && d instanceof Dataset ds && ds.getDimensions().length == 4) {
                                    path = ds.getPath();
                                    dims = ds.getDimensions();
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(path != null, "the file has a 4-d weight");
        long[] from = Arrays.stream(dims).asLongStream().toArray();
        // 2^40 does not fit jhdf's int dimensions: its header fails to parse, also a typed error
        for (long absurd : new long[] {1L << 30, 100_000, 0x7fffffffL, 1L << 40}) {
            long[] to = from.clone();
            to[3] = absurd;
            byte[] b = ok.clone();
            assertTrue(replaceDims(b, from, to) > 0, "the dataspace " + Arrays.toString(dims) + " is in the file");
            Path file = Files.write(dir.resolve("dims" + absurd + ".h5"), b);
            refused(CorruptModelFileException.class, file, "dataset " + path,
                    absurd > Integer.MAX_VALUE ? "cannot be read: the file is damaged" : "the dimensions are damaged");
        }
    }

    /** Replaces each run of the 8-byte little-endian values {@code from} with {@code to}; returns the count. */
    private static int replaceDims(byte[] b, long[] from, long[] to) {
        byte[] pattern = le(from);
        byte[] replacement = le(to);
        int count = 0;
        for (int i = 0; i + pattern.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + pattern.length, pattern, 0, pattern.length)) {
                System.arraycopy(replacement, 0, b, i, replacement.length);
                count++;
            }
        }
        return count;
    }

    private static byte[] le(long[] values) {
        byte[] out = new byte[values.length * 8];
        for (int v = 0; v < values.length; v++) {
            for (int i = 0; i < 8; i++) {
                out[v * 8 + i] = (byte) (values[v] >>> (8 * i));
            }
        }
        return out;
    }

    @Test
    void messagesOfBytesLoadsNameTheGivenName() throws IOException {
        byte[] b = "not hdf5 at all".getBytes(StandardCharsets.US_ASCII);
        CorruptModelFileException e = assertThrows(CorruptModelFileException.class,
                () -> KerasH5File.load(b, "upload.h5"));
        assertEquals("upload.h5", e.file());
        assertTrue(e.getMessage().startsWith("upload.h5: not an HDF5 file"), e.getMessage());
    }
}
