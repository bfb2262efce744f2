package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.dataset.ContiguousDataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * The damage {@link KerasArchiveFuzzTest} does to Keras v3 archives, one random mutation per
 * case, in five families:
 * <ul>
 *   <li>the zip itself (35 %): truncation, bit flips and large values in its records (sizes, CRCs,
 *       offsets, entry counts), member names, compression methods, flags (encryption, data
 *       descriptor, UTF-8), random bytes over member data;</li>
 *   <li>config.json (25 %): any value of the tree replaced, removed or duplicated; a layer's class,
 *       module and registered name, name, inputs (cycles), numbers or dtype policy; the text cut,
 *       characters changed, a value nested up to 100,000 deep;</li>
 *   <li>metadata.json (4 %): other versions, other types, not JSON;</li>
 *   <li>model.weights.h5 (30 %), as KerasH5FuzzTest: truncation, bit flips, 8-byte large integers,
 *       zeroed blocks, 9 times in 10 outside the weights' raw data;</li>
 *   <li>hostile members (6 %): a deflate bomb (128 MiB of zeros) declared honestly or with a small
 *       size, a dataset made virtual, external or a link (Hdf5Surgery), 8 MiB of deflated blanks.</li>
 * </ul>
 * Inner members are zipped again with correct CRCs, so that their own readers are reached.
 */
final class KerasArchiveMutations {
    private static final long[] LARGE = {0x7fffffffL, 0xffffffffL, 0x80000000L, 0x10000L, 0x1000000L, -1L,
            1L << 40, Long.MAX_VALUE};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private KerasArchiveMutations() {
    }

    /**
     * One archive to damage: its members, where model.weights.h5 keeps raw data (rarely mutated),
     * and whether jHDF wrote that file (Hdf5Surgery rewrites only jHDF's object headers).
     */
    record Seed(String name, Map<String, byte[]> members, boolean deflated, long[][] rawData, int cases,
                        boolean jhdfWeights) {
        byte[] archive() {
            return Keras3Fixture.zip(members, deflated);
        }
    }

    record Mutant(byte[] bytes, String description) {
    }

    /** A deflate stream of 128 MiB of zeros (about 128 KB), made once: the bomb members use it. */
    private static byte[] zerosDeflated;

    /** Byte ranges of the contiguous datasets' raw data in an HDF5 file. */
    static long[][] rawData(byte[] h5) {
        List<long[]> ranges = new ArrayList<>();
        try (HdfFile hdf = HdfFile.fromBytes(h5)) {
            collect(hdf, ranges);
        }
        return ranges.toArray(new long[0][]);
    }

    private static void collect(Group g, List<long[]> ranges) {
        for (io.jhdf.api.Node n : g) {
            if (n instanceof Group child) {
                collect(child, ranges);
            } else if (n instanceof ContiguousDataset c && c.getDataAddress() >= 0) {
                ranges.add(new long[] {c.getDataAddress(), c.getDataAddress() + c.getSizeInBytes()});
            }
        }
    }

    /** One random damage of {@code seed}'s archive, or of one of its members zipped again. */
    static Mutant mutate(Seed seed, Random r) {
        int family = r.nextInt(100);
        if (family < 35) {
            return zipMutation(seed.archive(), r);
        }
        if (family < 60) {
            return rezipped(seed, KerasV3File.CONFIG, configMutation(seed.members.get(KerasV3File.CONFIG), r));
        }
        if (family < 64) {
            return rezipped(seed, KerasV3File.METADATA, metadataMutation(r));
        }
        if (family < 94) {
            return rezipped(seed, KerasV3File.WEIGHTS, weightsMutation(seed.members.get(KerasV3File.WEIGHTS),
                    seed.rawData, r));
        }
        return hostile(seed, r);
    }

    /** An inner member replaced, the archive zipped again (correct CRCs: the member's reader is reached). */
    private static Mutant rezipped(Seed seed, String member, Mutant inner) {
        Map<String, byte[]> members = new LinkedHashMap<>(seed.members);
        members.put(member, inner.bytes);
        return new Mutant(Keras3Fixture.zip(members, seed.deflated), member + ": " + inner.description);
    }

    // ---- the zip itself

    private static Mutant zipMutation(byte[] archive, Random r) {
        byte[] b = archive.clone();
        List<int[]> records = zipRecords(b);
        int[] record = records.get(r.nextInt(records.size()));       // {start, fixed length, kind}
        switch (r.nextInt(8)) {
            case 0 -> {
                int length = r.nextBoolean() ? r.nextInt(b.length) : b.length - 1 - r.nextInt(Math.min(b.length, 200));
                return new Mutant(Arrays.copyOf(b, length), "zip truncated to " + length + " of " + b.length);
            }
            case 1 -> {
                int flips = 1 + r.nextInt(4);
                StringBuilder d = new StringBuilder("zip record bit flips at");
                for (int i = 0; i < flips; i++) {
                    int at = record[0] + r.nextInt(record[1]);
                    int bit = r.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    d.append(' ').append(at).append('.').append(bit);
                }
                return new Mutant(b, d.toString());
            }
            case 2, 3 -> {
                int[] fields = sizeFields(record[2]);
                int field = record[0] + fields[r.nextInt(fields.length)];
                long value = r.nextInt(3) == 0 ? r.nextInt(b.length + 100) : LARGE[r.nextInt(LARGE.length)];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(field, (int) value);
                return new Mutant(b, "zip 4-byte field at " + field + " set to " + value);
            }
            case 4 -> {
                int nameAt = record[0] + record[1];
                int length = record[2] == 2 ? u16(b, record[0] + 28) : record[2] == 1 ? u16(b, record[0] + 26) : 0;
                if (length == 0) {
                    return zipMutation(archive, r);
                }
                int at = nameAt + r.nextInt(length);
                byte[] choices = {'/', '\\', '.', 0, (byte) 0xff, (byte) 0xc3, 'x'};
                b[at] = choices[r.nextInt(choices.length)];
                return new Mutant(b, "zip member name byte at " + at + " set to " + b[at]);
            }
            case 5 -> {
                int method = record[2] == 2 ? 10 : record[2] == 1 ? 8 : -1;
                if (method < 0) {
                    return zipMutation(archive, r);
                }
                int[] methods = {0, 8, 12, 14, 99, 9};
                int m = methods[r.nextInt(methods.length)];
                b[record[0] + method] = (byte) m;
                b[record[0] + method + 1] = 0;
                return new Mutant(b, "zip compression method at " + (record[0] + method) + " set to " + m);
            }
            case 6 -> {
                int flags = record[2] == 2 ? 8 : record[2] == 1 ? 6 : -1;
                if (flags < 0) {
                    return zipMutation(archive, r);
                }
                int bit = new int[] {0, 3, 6, 11, 13}[r.nextInt(5)];
                b[record[0] + flags + bit / 8] ^= (byte) (1 << (bit % 8));
                return new Mutant(b, "zip flag bit " + bit + " flipped at " + (record[0] + flags));
            }
            default -> {
                int at = r.nextInt(b.length);
                int length = Math.min(b.length - at, 1 + r.nextInt(64));
                for (int i = 0; i < length; i++) {
                    b[at + i] = (byte) r.nextInt(256);
                }
                return new Mutant(b, length + " random bytes at " + at);
            }
        }
    }

    /** The archive's records: {start, fixed length, kind} with kind 1 local header, 2 central entry, 3 end record. */
    private static List<int[]> zipRecords(byte[] b) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i + 4 <= b.length; i++) {
            if (b[i] == 'P' && b[i + 1] == 'K') {
                if (b[i + 2] == 3 && b[i + 3] == 4 && i + 30 <= b.length) {
                    out.add(new int[] {i, 30, 1});
                } else if (b[i + 2] == 1 && b[i + 3] == 2 && i + 46 <= b.length) {
                    out.add(new int[] {i, 46, 2});
                } else if (b[i + 2] == 5 && b[i + 3] == 6 && i + 22 <= b.length) {
                    out.add(new int[] {i, 22, 3});
                }
            }
        }
        return out;
    }

    /** Offsets of the 4-byte size and offset fields of a record of {@code kind}. */
    private static int[] sizeFields(int kind) {
        return switch (kind) {
            case 1 -> new int[] {14, 18, 22};              // crc, compressed, size
            case 2 -> new int[] {16, 20, 24, 42};          // crc, compressed, size, local header offset
            default -> new int[] {12, 16, 8};              // directory size, directory offset, entry counts
        };
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    // ---- config.json

    private static final List<JsonNode> VALUES = List.of(NODES.nullNode(), NODES.booleanNode(true),
            NODES.numberNode(-1), NODES.numberNode(0), NODES.numberNode(1), NODES.numberNode(3),
            NODES.numberNode(Integer.MAX_VALUE), NODES.numberNode(Integer.MIN_VALUE), NODES.numberNode(9.9e307),
            NODES.numberNode(1e30), NODES.numberNode(-1e-30), NODES.numberNode(1e5), NODES.textNode(""),
            NODES.textNode("relu"), NODES.textNode("same"), NODES.textNode("float16"), NODES.textNode("Lambda"),
            NODES.arrayNode(), NODES.arrayNode().add(0).add(0), NODES.arrayNode().add(100000).add(100000),
            NODES.objectNode(), NODES.objectNode().put("class_name", "Conv2D"));
    private static final String[] CLASSES = {"Conv2D", "Dense", "BatchNormalization", "MaxPooling2D", "Flatten",
            "Add", "Sequential", "Functional", "InputLayer", "Lambda", "Scale", "", "DepthwiseConv2D", "Reshape",
            "GlobalAveragePooling2D", "Dropout", "Concatenate", "Softmax", "Rescaling", "Resizing"};

    private static Mutant configMutation(byte[] config, Random r) {
        String text = new String(config, StandardCharsets.UTF_8);
        if (r.nextInt(5) == 0) {
            return textMutation(text, r);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        String description;
        if (r.nextInt(3) == 0) {
            description = layerMutation(root, r);
        } else {
            JsonNode parent = containers.get(r.nextInt(containers.size()));
            description = valueMutation(parent, r);
        }
        return new Mutant(root.toString().getBytes(StandardCharsets.UTF_8), description);
    }

    private static void collectContainers(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode() && node.size() > 0) {
            out.add(node);
        }
        for (JsonNode child : node) {
            collectContainers(child, out);
        }
    }

    /** One value of an object or array replaced, removed or duplicated. */
    private static String valueMutation(JsonNode parent, Random r) {
        JsonNode value = VALUES.get(r.nextInt(VALUES.size()));
        if (parent instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            String key = keys.get(r.nextInt(keys.size()));
            if (r.nextInt(4) == 0) {
                o.remove(key);
                return "config key '" + key + "' removed";
            }
            o.set(key, value.deepCopy());
            return "config key '" + key + "' set to " + value;
        }
        ArrayNode a = (ArrayNode) parent;
        int i = r.nextInt(a.size());
        switch (r.nextInt(3)) {
            case 0 -> {
                a.remove(i);
                return "config array element " + i + " removed";
            }
            case 1 -> {
                a.insert(i, a.get(i).deepCopy());
                return "config array element " + i + " duplicated";
            }
            default -> {
                a.set(i, value.deepCopy());
                return "config array element " + i + " set to " + value;
            }
        }
    }

    /** A layer entry's class, module, name, inputs or a number of its config changed. */
    private static String layerMutation(JsonNode root, Random r) {
        List<ObjectNode> layers = new ArrayList<>();
        collectLayers(root, layers);
        ObjectNode layer = layers.get(r.nextInt(layers.size()));
        String name = layer.path("config").path("name").asText();
        switch (r.nextInt(6)) {
            case 0 -> {
                String cls = CLASSES[r.nextInt(CLASSES.length)];
                layer.put("class_name", cls);
                return "layer '" + name + "' class set to '" + cls + "'";
            }
            case 1 -> {
                layer.put("module", r.nextBoolean() ? "my_layers" : null);
                layer.put("registered_name", r.nextBoolean() ? "Custom>" + layer.path("class_name").asText() : null);
                return "layer '" + name + "' module and registered name changed";
            }
            case 2 -> {
                String other = layers.get(r.nextInt(layers.size())).path("config").path("name").asText();
                ((ObjectNode) layer.path("config")).put("name", other);
                return "layer '" + name + "' renamed '" + other + "'";
            }
            case 3 -> {
                String[] keys = {"filters", "units", "kernel_size", "pool_size", "strides", "rate", "epsilon", "axis",
                    "batch_shape", "padding", "activation", "use_bias", "scale", "center", "dtype"};
                String key = keys[r.nextInt(keys.length)];
                JsonNode value = VALUES.get(r.nextInt(VALUES.size()));
                if (layer.path("config").isObject()) {
                    ((ObjectNode) layer.path("config")).set(key, value.deepCopy());
                }
                return "layer '" + name + "' config '" + key + "' set to " + value;
            }
            case 4 -> {
                JsonNode nodes = layer.path("inbound_nodes");
                if (nodes.isArray() && nodes.size() > 0) {
                    String other = layers.get(r.nextInt(layers.size())).path("config").path("name").asText();
                    for (JsonNode t : nodes.findParents("keras_history")) {
                        ((ArrayNode) t.get("keras_history")).set(0, NODES.textNode(other));
                    }
                    return "layer '" + name + "' now reads layer '" + other + "' (maybe itself: a cycle)";
                }
                layer.set("inbound_nodes", NODES.arrayNode().add(NODES.objectNode().put("args", "x")));
                return "layer '" + name + "' given damaged inbound nodes";
            }
            default -> {
                ((ObjectNode) layer.path("config")).set("dtype", NODES.objectNode().put("module", "keras")
                        .put("class_name", "DTypePolicy").set("config", NODES.objectNode().put("name",
                                new String[] {"bfloat16", "int8", "mixed_float16", "float64", "uint8"}[r.nextInt(5)])));
                return "layer '" + name + "' dtype policy changed";
            }
        }
    }

    private static void collectLayers(JsonNode node, List<ObjectNode> out) {
        if (node.isObject() && node.has("class_name") && node.path("config").isObject()
                && node.path("config").has("name")) {
            out.add((ObjectNode) node);
        }
        for (JsonNode child : node) {
            collectLayers(child, out);
        }
    }

    private static Mutant textMutation(String text, Random r) {
        switch (r.nextInt(3)) {
            case 0 -> {
                int at = r.nextInt(text.length());
                return new Mutant(text.substring(0, at).getBytes(StandardCharsets.UTF_8), "config text cut at " + at);
            }
            case 1 -> {
                char[] c = text.toCharArray();
                String replacements = "{}[]\":,0-9e.aZ \u00e9\u0000";
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    c[r.nextInt(c.length)] = replacements.charAt(r.nextInt(replacements.length()));
                }
                return new Mutant(new String(c).getBytes(StandardCharsets.UTF_8), flips + " config characters changed");
            }
            default -> {
                int depth = 1000 + r.nextInt(100_000);
                int at = text.indexOf("\"layers\": [") + 11;
                String deep = "[".repeat(depth) + "]".repeat(depth) + ", ";
                return new Mutant((text.substring(0, at) + deep + text.substring(at)).getBytes(StandardCharsets.UTF_8),
                        "config layers list given a value nested " + depth + " deep");
            }
        }
    }

    private static Mutant metadataMutation(Random r) {
        String[] versions = {"\"1.2.2\"", "\"abc\"", "3", "null", "\"\"", "\"99.0\"", "\"2.13.1\"", "[\"3.1\"]"};
        String v = versions[r.nextInt(versions.length)];
        String text = r.nextInt(4) == 0 ? "not json" : "{\"keras_version\": " + v + "}";
        return new Mutant(text.getBytes(StandardCharsets.UTF_8), "metadata " + text);
    }

    // ---- model.weights.h5

    private static Mutant weightsMutation(byte[] original, long[][] rawData, Random r) {
        byte[] b = original.clone();
        int kind = r.nextInt(5);
        switch (kind) {
            case 0 -> {
                int length = r.nextBoolean() ? r.nextInt(b.length) : b.length - 1 - r.nextInt(Math.min(b.length, 4096));
                return new Mutant(Arrays.copyOf(b, length), "truncated to " + length + " of " + b.length + " bytes");
            }
            case 1 -> {
                int flips = 1 + r.nextInt(16);
                StringBuilder d = new StringBuilder(flips + " bit flips at");
                for (int i = 0; i < flips; i++) {
                    int at = position(b.length, rawData, r);
                    int bit = r.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    d.append(' ').append(at).append('.').append(bit);
                }
                return new Mutant(b, d.toString());
            }
            case 2, 3 -> {
                int at = Math.min(position(b.length, rawData, r), b.length - 8);
                long value = kind == 2 ? -1L : r.nextInt(3) == 0 ? (r.nextLong() >>> r.nextInt(40))
                        : LARGE[r.nextInt(LARGE.length)];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
                return new Mutant(b, "8 bytes at " + at + " set to little-endian 0x" + Long.toHexString(value));
            }
            default -> {
                int at = position(b.length, rawData, r);
                int length = Math.min(b.length - at, 1 + r.nextInt(r.nextBoolean() ? 64 : 4096));
                Arrays.fill(b, at, at + length, (byte) 0);
                return new Mutant(b, length + " bytes zeroed at " + at);
            }
        }
    }

    /** A random byte position; 9 times in 10 outside the raw data of contiguous datasets. */
    private static int position(int length, long[][] rawData, Random r) {
        int at = r.nextInt(length);
        for (int tries = 0; r.nextInt(10) != 0 && tries < 50 && inside(at, rawData); tries++) {
            at = r.nextInt(length);
        }
        return at;
    }

    private static boolean inside(long at, long[][] ranges) {
        for (long[] range : ranges) {
            if (at >= range[0] && at < range[1]) {
                return true;
            }
        }
        return false;
    }

    // ---- hostile members

    private static Mutant hostile(Seed seed, Random r) {
        int kind = r.nextInt(4);
        if (kind == 2 && !seed.jhdfWeights) {
            kind = 0;               // Hdf5Surgery rewrites jHDF's object headers only
        }
        switch (kind) {
            case 0, 1 -> {
                // model.weights.h5 replaced by 128 MiB of zeros deflated to ~128 KB, its size declared
                // honestly (a bomb) or as some small number (the inflated bytes then overflow it)
                boolean honest = r.nextBoolean();
                long declared = honest ? 128L << 20 : 1 + r.nextInt(1 << 20);
                byte[] archive = withRawMember(seed.members, KerasV3File.WEIGHTS, zerosDeflated(), declared, 0);
                return new Mutant(archive, "model.weights.h5 a deflate bomb declaring " + declared + " bytes");
            }
            case 2 -> {
                byte[] weights = seed.members.get(KerasV3File.WEIGHTS);
                String dataset = firstDataset(weights);
                byte[] h5 = switch (r.nextInt(4)) {
                    case 0 -> Hdf5Surgery.virtualDataset(weights, dataset);
                    case 1 -> Hdf5Surgery.externalStorage(weights, dataset);
                    case 2 -> Hdf5Surgery.softLink(weights, parent(dataset), "0");
                    default -> Hdf5Surgery.externalLink(weights, parent(dataset), "0");
                };
                Map<String, byte[]> members = new LinkedHashMap<>(seed.members);
                members.put(KerasV3File.WEIGHTS, h5);
                return new Mutant(Keras3Fixture.zip(members, seed.deflated), "model.weights.h5 " + dataset
                        + " made virtual, external or a link");
            }
            default -> {
                // config.json: 8 MiB of blanks at deflate's best ratio, declared honestly, with its CRC:
                // inflated (under the limits), then refused as JSON that holds nothing
                return new Mutant(withRawMember(seed.members, KerasV3File.CONFIG, spacesDeflated(), BLANKS,
                        blanksCrc()), "config.json " + BLANKS + " blanks, deflated");
            }
        }
    }

    /** The first dataset of a weights file under layers/ (the vars of the first layer with weights). */
    private static String firstDataset(byte[] weights) {
        try (HdfFile hdf = HdfFile.fromBytes(weights)) {
            return find(hdf, "");
        }
    }

    private static String find(Group g, String path) {
        for (io.jhdf.api.Node n : g) {
            String p = path.isEmpty() ? n.getName() : path + "/" + n.getName();
            if (n instanceof Group child && !p.startsWith("optimizer")) {
                String found = find(child, p);
                if (found != null) {
                    return found;
                }
            } else if (!(n instanceof Group) && n.getName().equals("0")) {
                return p;
            }
        }
        return null;
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static synchronized byte[] zerosDeflated() {
        if (zerosDeflated == null) {
            zerosDeflated = deflate(new byte[1 << 20], 128);
        }
        return zerosDeflated;
    }

    private static final int BLANKS = 8 << 20;

    private static byte[] blanks() {
        byte[] spaces = new byte[BLANKS];
        Arrays.fill(spaces, (byte) ' ');
        return spaces;
    }

    private static byte[] spacesDeflated() {
        return deflate(blanks(), 1);
    }

    private static long blanksCrc() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(blanks());
        return crc.getValue();
    }

    /** {@code block} repeated {@code times}, deflated raw (as in a zip member). */
    private static byte[] deflate(byte[] block, int times) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < times; i++) {
            d.setInput(block);
            while (!d.needsInput()) {
                out.write(buffer, 0, d.deflate(buffer));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buffer, 0, d.deflate(buffer));
        }
        d.end();
        return out.toByteArray();
    }

    /**
     * The seed's members (stored) with {@code member} replaced by already-deflated bytes that
     * declare {@code declaredSize} and {@code declaredCrc}: written by hand, since java.util.zip
     * would compute the true size.
     */
    private static byte[] withRawMember(Map<String, byte[]> members, String member, byte[] deflated, long declaredSize,
                                        long declaredCrc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        int count = 0;
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            boolean raw = m.getKey().equals(member);
            byte[] data = raw ? deflated : m.getValue();
            long size = raw ? declaredSize : data.length;
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(m.getValue());
            int crcValue = (int) (raw ? declaredCrc : crc.getValue());
            byte[] name = m.getKey().getBytes(StandardCharsets.UTF_8);
            int offset = out.size();
            ByteBuffer local = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN).putInt(0x04034b50)
                    .putShort((short) 20).putShort((short) 0).putShort((short) (raw ? 8 : 0)).putInt(0)
                    .putInt(crcValue).putInt(data.length).putInt((int) size).putShort((short) name.length)
                    .putShort((short) 0);
            out.writeBytes(local.array());
            out.writeBytes(name);
            out.writeBytes(data);
            ByteBuffer entry = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN).putInt(0x02014b50)
                    .putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) (raw ? 8 : 0))
                    .putInt(0).putInt(crcValue).putInt(data.length).putInt((int) size)
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt(offset);
            central.writeBytes(entry.array());
            central.writeBytes(name);
            count++;
        }
        int directory = out.size();
        out.writeBytes(central.toByteArray());
        out.writeBytes(ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN).putInt(0x06054b50).putShort((short) 0)
                .putShort((short) 0).putShort((short) count).putShort((short) count).putInt(central.size())
                .putInt(directory).putShort((short) 0).array());
        return out.toByteArray();
    }
}
