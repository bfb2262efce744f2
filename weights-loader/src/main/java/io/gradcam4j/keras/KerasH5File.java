package io.gradcam4j.keras;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.Gradcam4jException;
import io.gradcam4j.engine.graph.Graph;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.exceptions.UnsupportedHdfException;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.message.DataLayout;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Keras full-model {@code .h5} file ({@code model.save}): the {@code model_config} JSON and the
 * weights under {@code /model_weights}, found through each layer group's {@code weight_names}
 * (never built from the layer name: scopes differ, e.g. {@code conv2d_1/conv2d_1_1/kernel:0}).
 * See ../shared/corpus/FORMATS.md for the layouts of each Keras version.
 *
 * <p><b>Damaged files.</b> Every problem met while reading a file surfaces as a
 * {@link KerasFormatException} whose message names the file and the HDF5 object being read
 * (a {@link CorruptModelFileException} when the file itself is damaged: not HDF5, truncated, an
 * object that does not parse, an impossible size), or as an {@link UnsupportedKerasFeatureException}
 * for what is valid but beyond gradcam4j (a layer class, an HDF5 feature jHDF does not read).
 * Exceptions of the HDF5 reader (jhdf) are caught where each object is read and wrapped with that
 * context ({@link #jhdfFailure}). {@link OutOfMemoryError} is not caught:
 * it must not happen, and three things see to it.
 * <ol>
 *   <li>Files up to 2 GiB are memory-mapped and handed to jhdf as a buffer, so every buffer jhdf
 *       reads is a bounded slice of the file: a damaged length (a heap, a B-tree node, an object
 *       header continuation) fails with an exception instead of allocating that many bytes, as
 *       jhdf's file-channel reader would. Larger files are read through jhdf's file channel.</li>
 *   <li>Before a dataset's or attribute's data is read, its declared element count times element
 *       size is checked: at most the file's size for data stored as it is (a flipped bit in a
 *       dimension makes it larger) and, for any storage, at most the JVM's max heap;
 *       chunk dimensions are checked the same way.</li>
 *   <li>Weights must be finite floats with exactly the declared number of elements.</li>
 * </ol>
 * A {@link StackOverflowError} (a cyclic or absurdly deep structure in a damaged file) is caught
 * at the same boundary: the stack has unwound by then and nothing is left half-built.
 */
public final class KerasH5File {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /** The largest file mapped into one buffer (a ByteBuffer is int-indexed). */
    private static final long MAX_MAPPED = Integer.MAX_VALUE - 8L;

    private KerasH5File() {
    }

    /** Opens {@code file} and builds its model as an engine graph. */
    public static Graph load(Path file) throws IOException {
        return loadModel(file).graph();
    }

    /** The model in {@code bytes}, the contents of an {@code .h5} file; {@code name} is used in messages. */
    public static Graph load(byte[] bytes, String name) {
        return loadModel(bytes, name).graph();
    }

    /**
     * Opens {@code file} and builds its model, with the Keras facts about it. A Keras v3 archive
     * ({@code .keras}, a zip: the first bytes decide, not the name) is opened by {@link KerasModelFile}.
     *
     * @throws IOException when the file cannot be read (missing, no permission)
     * @throws KerasFormatException when its contents are not a Keras model we can build;
     *     {@link CorruptModelFileException} when the file is damaged
     * @throws UnsupportedKerasFeatureException when it is valid Keras or HDF5 beyond gradcam4j
     */
    public static KerasModel loadModel(Path file) throws IOException {
        return loadModel(file, Map.of());
    }

    /**
     * As {@link #loadModel(Path)}, with Java implementations for the model's {@code Lambda} layers,
     * by layer name (their Python code is never run; without one a Lambda layer is refused).
     */
    public static KerasModel loadModel(Path file, Map<String, io.gradcam4j.engine.Op> lambdas) throws IOException {
        String name = file.toString();
        long size = Files.size(file);
        if (size == 0) {
            throw new CorruptModelFileException(name, null, "the file is empty (0 bytes), not an HDF5 file");
        }
        if (KerasFileFormat.of(file) == KerasFileFormat.KERAS_ARCHIVE) {
            return KerasModelFile.loadModel(file, lambdas);     // a Keras v3 archive, whatever its name
        }
        if (size > MAX_MAPPED) {
            return readLarge(file, name, size, lambdas);
        }
        ByteBuffer buffer;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        return read(buffer, name, r -> r.model(lambdas));
    }

    /**
     * The model in {@code bytes}, the contents of an {@code .h5} file (or of a {@code .keras} archive:
     * the first bytes decide); {@code name} is used in messages.
     */
    public static KerasModel loadModel(byte[] bytes, String name) {
        if (bytes.length == 0) {
            throw new CorruptModelFileException(name, null, "the file is empty (0 bytes), not an HDF5 file");
        }
        if (KerasFileFormat.of(ByteBuffer.wrap(bytes)) == KerasFileFormat.KERAS_ARCHIVE) {
            return KerasV3File.load(ByteBuffer.wrap(bytes), name, Map.of());   // a Keras v3 archive
        }
        return read(ByteBuffer.wrap(bytes), name);
    }

    private static KerasModel read(ByteBuffer buffer, String name) {
        return read(buffer, name, r -> r.model(Map.of()));
    }

    /**
     * The weights of a weights-only file ({@code save_weights}, the keras.applications files):
     * for each layer of the root's {@code layer_names} that has weights, in that order, its weights
     * in {@code weight_names} order. Same checks as {@link #loadModel(Path)}.
     */
    public static java.util.LinkedHashMap<String, List<Tensor>> readWeightsOnly(Path file) throws IOException {
        String name = file.toString();
        long size = Files.size(file);
        if (size == 0) {
            throw new CorruptModelFileException(name, null, "the file is empty (0 bytes), not an HDF5 file");
        }
        if (size > MAX_MAPPED) {
            throw new UnsupportedKerasFeatureException(name + ": weights-only files over 2 GiB are not supported");
        }
        ByteBuffer buffer;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        return read(buffer, name, Reader::weightsOnly);
    }

    /** Opens the HDF5 file in {@code buffer} (a whole file) and applies {@code what} to it while it is open. */
    static <T> T read(ByteBuffer buffer, String name, java.util.function.Function<Reader, T> what) {
        long size = buffer.capacity();
        long base = signatureOffset(buffer, size);
        if (base < 0) {
            boolean damaged = size >= 4 && buffer.get(0) == SIGNATURE[0] && buffer.get(1) == 'H'
                    && buffer.get(2) == 'D' && buffer.get(3) == 'F';
            throw new CorruptModelFileException(name, null, (damaged ? "its HDF5 signature is damaged" : "not an HDF5 file")
                    + " (no HDF5 signature at offset 0, 512, 1024, ...; it starts with " + describeStart(buffer) + ")");
        }
        HdfFile hdf = open(name, base, () -> HdfFile.fromByteBuffer(buffer.duplicate()));
        try (hdf) {
            return what.apply(new Reader(hdf, name, size));
        }
    }

    /** Files over 2 GiB cannot be one buffer: jhdf reads them through its file channel. */
    private static KerasModel readLarge(Path file, String name, long size, Map<String, io.gradcam4j.engine.Op> lambdas)
            throws IOException {
        ByteBuffer head = ByteBuffer.allocate(8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long base = -1;
            for (long offset = 0; offset + 8 <= size; offset = offset == 0 ? 512 : offset * 2) {
                head.clear();
                channel.read(head, offset);
                if (Arrays.equals(head.array(), SIGNATURE)) {
                    base = offset;
                    break;
                }
            }
            if (base < 0) {
                throw new CorruptModelFileException(name, null,
                        "not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...)");
            }
            HdfFile hdf = open(name, base, () -> new HdfFile(file));
            try (hdf) {
                return new Reader(hdf, name, size).model(lambdas);
            }
        }
    }

    private static HdfFile open(String name, long base, Supplier<HdfFile> opener) {
        try {
            return opener.get();
        } catch (RuntimeException | StackOverflowError e) {
            throw jhdfFailure(name, "superblock at byte " + base, "cannot be read: the file is truncated or damaged", e);
        }
    }

    /**
     * What a jHDF failure reading {@code object} means: a feature jHDF says it does not support
     * ({@link UnsupportedHdfException}: a virtual dataset, external storage, VAX floats, a filter
     * pipeline or b-tree record it does not read, ...) is unsupported, not damage; any other
     * failure is damage. jHDF also calls an unknown format version "unsupported" (superblock,
     * attribute, layout message versions): the fuzz tests meet it as version -1 or 0 in bit-flipped
     * files, and HDF5 libraries write only versions jHDF reads, so that one is damage.
     */
    static Gradcam4jException jhdfFailure(String file, String object, String damaged, Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
            String said = String.valueOf(t.getMessage());
            if (t instanceof UnsupportedHdfException && !said.toLowerCase(Locale.ROOT).contains("version")) {
                return new UnsupportedKerasFeatureException(file + ": " + object + ": " + unsupportedFeature(said)
                        + " (jHDF: " + said + ")", e);
            }
        }
        return new CorruptModelFileException(file, object, damaged + " (" + describe(e) + ")", e);
    }

    /**
     * What an HDF5 feature jHDF does not read is, in words. Data stored outside the file (external
     * storage, a virtual dataset) reads other files: Keras refuses it in weights files
     * ({@code safe_get_h5_dataset}), so the message says so.
     */
    private static String unsupportedFeature(String jhdfSays) {
        if (jhdfSays.contains("External Data Files") || jhdfSays.contains("Virtual")) {
            return "keeps its data outside the file (" + (jhdfSays.contains("Virtual") ? "a virtual dataset"
                    : "external storage") + "), which jHDF, the HDF5 reader, does not read and Keras refuses in "
                    + "weights files";
        }
        return "uses an HDF5 feature that jHDF, the HDF5 reader, does not support";
    }

    /** Where the HDF5 signature is (0, 512, 1024, ...: after a user block), or -1. */
    private static long signatureOffset(ByteBuffer b, long size) {
        for (long offset = 0; offset + SIGNATURE.length <= size; offset = offset == 0 ? 512 : offset * 2) {
            boolean match = true;
            for (int i = 0; match && i < SIGNATURE.length; i++) {
                match = b.get((int) offset + i) == SIGNATURE[i];
            }
            if (match) {
                return offset;
            }
        }
        return -1;
    }

    /** The first bytes, as text when they look like text (a JSON or CSV file renamed .h5), else in hex. */
    private static String describeStart(ByteBuffer b) {
        int n = Math.min(b.capacity(), 16);
        byte[] start = new byte[n];
        b.duplicate().position(0).get(start);
        boolean text = true;
        for (byte c : start) {
            text &= (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t';
        }
        if (text) {
            return "the text \"" + new String(start, StandardCharsets.US_ASCII).replace("\n", "\\n")
                    .replace("\r", "\\r").replace("\t", "\\t") + (b.capacity() > n ? "...\"" : "\"");
        }
        StringBuilder hex = new StringBuilder("bytes");
        for (byte c : start) {
            hex.append(String.format(" %02x", c & 0xff));
        }
        return hex.toString();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message != null && message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        String own = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        Throwable cause = e.getCause();
        if (cause != null && cause != e && (message == null || !message.contains(cause.getClass().getSimpleName()))) {
            String cm = cause.getMessage();
            own += "; caused by " + cause.getClass().getSimpleName()
                    + (cm == null ? "" : ": " + (cm.length() > 200 ? cm.substring(0, 200) + "..." : cm));
        }
        return own;
    }

    /**
     * Reads one open file; every jhdf call goes through {@link #at} so that a failure names its object.
     * The {@code .keras} reader ({@link Keras3Weights}) reads its {@code model.weights.h5} through it too.
     */
    static final class Reader {
        private final HdfFile hdf;
        private final String file;
        private final long fileSize;
        /** Layers that the file holds no weights for, and why: added to a builder's "expects weight" error. */
        private final Map<String, String> noWeights = new LinkedHashMap<>();

        Reader(HdfFile hdf, String file, long fileSize) {
            this.hdf = hdf;
            this.file = file;
            this.fileSize = fileSize;
        }

        /** The file's root group. */
        Group root() {
            return hdf;
        }

        /** The file's name as messages give it. */
        String file() {
            return file;
        }

        KerasModel model(Map<String, io.gradcam4j.engine.Op> lambdas) {
            checkNotTruncated();
            KerasOrigin origin = new KerasOrigin(stringAttribute(hdf, "/", "keras_version"),
                    stringAttribute(hdf, "/", "backend"));
            String config = stringAttribute(hdf, "/", "model_config");
            if (config == null) {
                java.util.Set<String> root = at("attributes of /", hdf::getAttributes).keySet();
                if (root.contains("layer_names")) {
                    throw new KerasFormatException(file + ": no 'model_config' attribute: this is a weights-only file "
                            + "(save_weights); its architecture must come from code");
                }
                throw new CorruptModelFileException(file, "attributes of /", "have no 'model_config' (nor the "
                        + "'layer_names' of a weights-only file): not a Keras model file, or its root is damaged "
                        + "(root attributes: " + root + ")");
            }
            JsonNode modelConfig = parseJson(config);
            Group weights = modelWeights();
            try {
                KerasLayers layers = new KerasLayers(origin);
                lambdas.forEach(layers::withLambda);
                return new ModelConfigReader(layers, layer -> weightsOf(weights, layer))
                        .readModel(modelConfig);
            } catch (CorruptModelFileException e) {
                throw e;
            } catch (KerasFormatException | UnsupportedKerasFeatureException e) {
                String message = e.getMessage() == null ? "" : e.getMessage();
                throw KerasFormatException.reworded(e, (message.contains(file) ? "" : file + ": ") + message
                        + missingWeightsHint(message));
            } catch (RuntimeException e) {
                // A config that parses but holds values the layer builders did not expect
                // (a damaged number, a wrong type): still the file's fault, still typed.
                throw new KerasFormatException(file + ": attribute /model_config: cannot build the model from it ("
                        + describe(e) + ")", e);
            } catch (StackOverflowError e) {
                throw new KerasFormatException(file + ": attribute /model_config: the model nests too deeply "
                        + "to be built (or refers to itself)", e);
            }
        }

        /** Every layer with weights of a weights-only file, in {@code layer_names} order. */
        java.util.LinkedHashMap<String, List<Tensor>> weightsOnly() {
            checkNotTruncated();
            List<String> layerNames = strings(hdf, "/", "layer_names");
            if (layerNames == null) {
                throw new CorruptModelFileException(file, "attributes of /", "have no 'layer_names': not a Keras "
                        + "weights file" + (stringAttribute(hdf, "/", "model_config") != null
                        ? " (it is a full-model file: load it with loadModel)" : ""));
            }
            java.util.LinkedHashMap<String, List<Tensor>> out = new java.util.LinkedHashMap<>();
            for (String layer : layerNames) {
                List<Tensor> w = weightsOf(hdf, layer);
                if (!w.isEmpty()) {
                    out.put(layer, w);
                }
            }
            return out;
        }

        /** The superblock says where the file ends; a shorter file lost its tail. */
        void checkNotTruncated() {
            long base = at("superblock", () -> hdf.getHdfBackingStorage().getSuperblock().getBaseAddressByte());
            long end = at("superblock", () -> hdf.getHdfBackingStorage().getSuperblock().getEndOfFileAddress());
            if (end < 0 || base + end > fileSize) {
                throw new CorruptModelFileException(file, "superblock",
                        "the file is truncated: the superblock says it is " + (end < 0 ? "(undefined)" : base + end)
                                + " bytes long, but it has " + fileSize + " bytes");
            }
        }

        private JsonNode parseJson(String config) {
            JsonNode node;
            try {
                node = JSON.readTree(config);
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                throw new CorruptModelFileException(file, "attribute /model_config", "is not valid JSON: "
                        + e.getOriginalMessage() + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                        + at.getColumnNr() + " (character " + at.getCharOffset() + ")"), e);
            } catch (RuntimeException | StackOverflowError e) {
                throw new CorruptModelFileException(file, "attribute /model_config", "is not valid JSON ("
                        + describe(e) + ")", e);
            }
            if (node == null || !node.isObject()) {
                throw new CorruptModelFileException(file, "attribute /model_config",
                        "should hold a JSON object but holds " + (node == null ? "nothing" : node.getNodeType()));
            }
            return node;
        }

        /** {@code /model_weights}, checked against its {@code layer_names}. */
        private Group modelWeights() {
            Node node = at("group /model_weights", () -> hdf.getChild("model_weights"));
            if (node == null) {
                throw new CorruptModelFileException(file, "group /model_weights",
                        "is missing: a full-model Keras file keeps its weights there");
            }
            if (!(node instanceof Group weights)) {
                throw new CorruptModelFileException(file, "/model_weights", "is a dataset, not a group");
            }
            List<String> layerNames = strings(weights, "/model_weights", "layer_names");
            if (layerNames == null) {
                throw new CorruptModelFileException(file, "attribute layer_names of /model_weights", "is missing");
            }
            for (String layer : layerNames) {
                String path = "/model_weights/" + layer;
                Node child = at("group " + path, () -> weights.getChild(layer));
                if (!(child instanceof Group)) {
                    throw new CorruptModelFileException(file, "attribute layer_names of /model_weights",
                            "lists layer '" + layer + "', but " + path
                                    + (child == null ? " does not exist" : " is not a group"));
                }
            }
            return weights;
        }

        /** The weights of one layer, in the order of its {@code weight_names} attribute. */
        List<Tensor> weightsOf(Group weightsGroup, String layer) {
            String path = (weightsGroup == hdf ? "/" : "/model_weights/") + layer;
            Node node = layer.isEmpty() || layer.contains("/") ? null
                    : at("group " + path, () -> weightsGroup.getChild(layer));
            if (node == null) {
                noWeights.put(layer, path + " does not exist");
                return List.of();
            }
            if (!(node instanceof Group group)) {
                throw new CorruptModelFileException(file, path, "is a dataset, not a layer group");
            }
            List<String> names = strings(group, path, "weight_names");
            if (names == null || names.isEmpty()) {
                noWeights.put(layer, path + (names == null ? " has no weight_names attribute" : " lists no weights"));
                return List.of();
            }
            List<Tensor> out = new ArrayList<>();
            for (String name : names) {
                String datasetPath = path + "/" + name;
                Node d = at("dataset " + datasetPath, () -> resolve(group, name));
                if (d == null) {
                    throw new CorruptModelFileException(file, "attribute weight_names of " + path,
                            "names weight '" + name + "', but " + datasetPath + " does not exist");
                }
                if (!(d instanceof Dataset ds)) {
                    throw new CorruptModelFileException(file, datasetPath,
                            "is a group, not a dataset (named by weight_names of " + path + ")");
                }
                out.add(toTensor(ds, datasetPath));
            }
            return out;
        }

        /**
         * The node at {@code relative} below {@code group}, or null when there is none. Walked child by
         * child: jhdf's getByPath reports a missing path with an exception that, for a file read from
         * memory, is about the missing backing file instead.
         */
        private static Node resolve(Group group, String relative) {
            Node node = group;
            for (String part : relative.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (!(node instanceof Group g)) {
                    return null;
                }
                node = g.getChild(part);
                if (node == null) {
                    return null;
                }
            }
            return node == group ? null : node;
        }

        private String missingWeightsHint(String message) {
            for (Map.Entry<String, String> e : noWeights.entrySet()) {
                if (message.contains("'" + e.getKey() + "'") && message.contains("weight")) {
                    return " (the file has no weights for it: " + e.getValue() + ")";
                }
            }
            return "";
        }

        Tensor toTensor(Dataset ds, String path) {
            String object = "dataset " + path;
            DataType type = at(object, ds::getDataType);
            if (type instanceof FixedPoint) {
                return integerCounter(ds, object);
            }
            if (!(type instanceof FloatingPoint)) {
                throw new CorruptModelFileException(file, object, "has data type "
                        + type.getClass().getSimpleName() + " (" + type.getSize() + " bytes, Java "
                        + at(object, ds::getJavaType).getSimpleName() + "); weights must be floating point");
            }
            int elementSize = type.getSize();
            if (elementSize != 2 && elementSize != 4 && elementSize != 8) {
                throw new CorruptModelFileException(file, object, "declares floats of " + elementSize
                        + " bytes; only 2, 4 and 8 exist");
            }
            if (at(object, ds::isEmpty)) {
                throw new CorruptModelFileException(file, object, "holds no data (empty dataspace)");
            }
            int[] dims = at(object, ds::getDimensions);
            long count = checkedCount(dims, object);
            long bytes = count * elementSize;       // count < 2^31, so no overflow
            checkBytes(bytes, object, "dimensions " + Arrays.toString(dims) + " of " + elementSize + "-byte floats");
            DataLayout layout = at(object, ds::getDataLayout);
            boolean filtered = layout == DataLayout.CHUNKED && !at(object, ds::getFilters).isEmpty();
            if (!filtered && bytes > fileSize) {
                throw new CorruptModelFileException(file, object, "declares dimensions " + Arrays.toString(dims)
                        + " (" + bytes + " bytes), more than the whole file (" + fileSize
                        + " bytes): the dimensions are damaged");
            }
            if (ds instanceof ChunkedDataset chunked) {
                int[] chunk = at(object, chunked::getChunkDimensions);
                long chunkBytes = checkedCount(chunk, object + " (chunk dimensions)") * elementSize;
                checkBytes(chunkBytes, object, "chunk dimensions " + Arrays.toString(chunk));
                if (!filtered && chunkBytes > fileSize) {
                    throw new CorruptModelFileException(file, object, "declares chunk dimensions "
                            + Arrays.toString(chunk) + " (" + chunkBytes + " bytes), more than the whole file");
                }
            } else if (ds instanceof ContiguousDataset contiguous) {
                long address = at(object, contiguous::getDataAddress);
                if (address >= 0 && (address > fileSize || bytes > fileSize - address)) {
                    throw new CorruptModelFileException(file, object, "declares " + bytes + " bytes at byte "
                            + address + ", past the end of the file (" + fileSize + " bytes)");
                }
            }
            Object flat = at(object, ds::getDataFlat);
            float[] data;
            if (flat instanceof float[] f) {
                data = f;
            } else if (flat instanceof double[] d) {
                data = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    data[i] = (float) d[i];
                }
            } else {
                throw new CorruptModelFileException(file, object, "has unsupported type "
                        + (flat == null ? "(no data)" : flat.getClass().getSimpleName()));
            }
            if (data.length != count || (dims.length == 0 && count != 1)) {
                throw new CorruptModelFileException(file, object, "holds " + data.length
                        + " values but declares dimensions " + Arrays.toString(dims));
            }
            for (int i = 0; i < data.length; i++) {
                if (!Float.isFinite(data[i])) {
                    throw new CorruptModelFileException(file, object, "holds " + data[i] + " at flat index " + i
                            + " of dimensions " + Arrays.toString(dims) + ": weights must be finite");
                }
            }
            return dims.length == 0 ? Tensor.scalar(data[0]) : Tensor.of(data, dims);
        }

        /**
         * Keras saves a few integer variables, e.g. Normalization's {@code count} (int64 in tf.keras's
         * EfficientNet weights files): one number, read as a float (nothing uses it at inference).
         * Any larger integer dataset is not a weight.
         */
        private Tensor integerCounter(Dataset ds, String object) {
            int[] dims = at(object, ds::getDimensions);
            long count = 1;
            for (int d : dims) {
                count *= Math.max(d, 0);
            }
            if (count != 1) {
                throw new CorruptModelFileException(file, object, "holds " + count + " integers: weights must be "
                        + "floating point (only a one-value integer counter, as Normalization's count, is accepted)");
            }
            Object data = at(object, ds::getDataFlat);
            Object value = data != null && data.getClass().isArray() && Array.getLength(data) == 1 ? Array.get(data, 0)
                    : data;
            if (!(value instanceof Number n)) {
                throw new CorruptModelFileException(file, object, "holds no readable integer");
            }
            return Tensor.scalar(n.floatValue());
        }

        /** The product of {@code dims}, refused when a dimension is negative or the product cannot be an array. */
        private long checkedCount(int[] dims, String object) {
            long count = 1;
            for (int d : dims) {
                if (d < 0) {
                    throw new CorruptModelFileException(file, object, "declares a negative dimension in "
                            + Arrays.toString(dims) + ": the dimensions are damaged");
                }
                count *= d;
                if (count > Integer.MAX_VALUE - 8) {
                    throw new CorruptModelFileException(file, object, "declares dimensions " + Arrays.toString(dims)
                            + ", more elements than a Java array holds: the dimensions are damaged");
                }
            }
            return count;
        }

        private void checkBytes(long bytes, String object, String what) {
            // A whole weight must fit the heap; VGG19's fc1 alone is 411 MB of a 548 MB file, so no
            // tighter fraction would do. Uncompressed data is also bounded by the file size.
            long cap = Runtime.getRuntime().maxMemory();
            if (bytes > cap) {
                throw new CorruptModelFileException(file, object, "declares " + what + " = " + bytes
                        + " bytes, more than the JVM's max heap (" + cap
                        + " bytes): the dimensions are damaged (or run with a larger -Xmx)");
            }
        }

        /** An attribute's data, or null when absent; its declared size is checked against its stored bytes first. */
        private Object attributeData(Node node, String nodePath, String name) {
            String object = "attribute " + name + " of " + nodePath;
            Map<String, Attribute> all = at("attributes of " + nodePath, node::getAttributes);
            Attribute a = all.get(name);
            if (a == null) {
                return null;
            }
            if (at(object, a::isEmpty)) {
                return new String[0];
            }
            long count = at(object, a::getSize);
            int elementSize = at(object, () -> a.getDataType().getSize());
            ByteBuffer stored = at(object, a::getBuffer);
            long needed = count < 0 || elementSize < 0 ? -1 : count * (long) Math.max(1, elementSize);
            if (needed < 0 || count > Integer.MAX_VALUE - 8 || (stored != null && needed > stored.capacity())) {
                throw new CorruptModelFileException(file, object, "declares " + count + " elements of "
                        + elementSize + " bytes but holds " + (stored == null ? 0 : stored.capacity())
                        + " bytes: its size is damaged");
            }
            return at(object, a::getData);
        }

        /** A string attribute, or null when absent. */
        String stringAttribute(Node node, String nodePath, String name) {
            Object data = attributeData(node, nodePath, name);
            if (data == null) {
                return null;
            }
            if (data instanceof String[] arr && arr.length == 1) {
                data = arr[0];
            }
            if (data instanceof String s) {
                return trimNul(s);
            }
            if (data instanceof byte[] b) {
                return trimNul(new String(b, StandardCharsets.UTF_8));
            }
            throw new CorruptModelFileException(file, "attribute " + name + " of " + nodePath,
                    "should be a string but holds " + typeOf(data));
        }

        /**
         * A list of names, or null when absent. Keras writes an empty float64 array when a layer has
         * no weights, so any empty array is an empty list.
         */
        private List<String> strings(Node node, String nodePath, String name) {
            Object data = attributeData(node, nodePath, name);
            if (data == null) {
                return null;
            }
            if (data instanceof String s) {
                return List.of(trimNul(s));
            }
            if (data instanceof String[] arr) {
                List<String> out = new ArrayList<>();
                for (String s : arr) {
                    if (s == null) {
                        throw new CorruptModelFileException(file, "attribute " + name + " of " + nodePath,
                                "holds a null string");
                    }
                    out.add(trimNul(s));
                }
                return out;
            }
            if (data.getClass().isArray() && Array.getLength(data) == 0) {
                return List.of();
            }
            throw new CorruptModelFileException(file, "attribute " + name + " of " + nodePath,
                    "should list names (strings) but holds " + typeOf(data));
        }

        private static String typeOf(Object data) {
            return data.getClass().isArray()
                    ? data.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(data) + "]"
                    : data.getClass().getSimpleName();
        }

        /**
         * Runs one jhdf read; its exceptions become a {@link CorruptModelFileException} naming
         * {@code object}, or an {@link UnsupportedKerasFeatureException} for what jHDF does not support.
         */
        <T> T at(String object, Supplier<T> read) {
            try {
                return read.get();
            } catch (Gradcam4jException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                throw jhdfFailure(file, object, "cannot be read: the file is damaged", e);
            }
        }
    }

    private static String trimNul(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') {
            end--;
        }
        return s.substring(0, end);
    }
}
