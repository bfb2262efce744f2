package io.gradcam4j.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Saves a model in Keras 3's formats, as {@code keras/src/saving/saving_lib.py} writes them (the
 * counterpart of {@link KerasH5Writer}, which writes Keras 2's {@code .h5}):
 * <ul>
 *   <li>{@link #save}: a {@code .keras} archive ({@code model.save("m.keras")}), a zip of stored
 *       members {@code metadata.json} ({@code keras_version}, {@code date_saved}),
 *       {@code config.json} ({@link Keras3Serialization}) and {@code model.weights.h5}
 *       ({@link Keras3WeightPlaces}, {@link Keras3WeightsFile});</li>
 *   <li>{@link #saveWeights}: that weights file alone ({@code model.save_weights("m.weights.h5")});</li>
 *   <li>{@link #saveShardedWeights}: the weights split into shards
 *       ({@code model.save_weights("m.weights.json", max_shard_size=...)}): {@code m_00000.weights.h5},
 *       {@code m_00001.weights.h5}, ... beside an index {@code m.weights.json} mapping each
 *       {@code vars} group to the shard (or shards) holding its variables.</li>
 * </ul>
 * Every file is written beside its target, read back with this project's reader, then moved into
 * place; a file that does not read back is deleted and nothing is written.
 */
public final class KerasV3Writer {
    /** The Keras release whose layout this writes (3.10 added the {@code name} attribute of {@code vars} groups). */
    public static final String KERAS_VERSION = "3.10.0";

    private static final DateTimeFormatter DATE_SAVED = DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss");
    /** Keras's {@code ShardedH5IOStore} names shards {@code <base>_<5 digits>.weights.h5}. */
    private static final String SHARD_SUFFIX = ".weights.h5";

    private KerasV3Writer() {
    }

    /** The whole model as Keras 3's {@code model.save("file.keras")} writes it. */
    public static void save(KerasModel model, Path file) throws IOException {
        save(model, file, LocalDateTime.now(ZoneOffset.UTC));
    }

    /** As {@link #save(KerasModel, Path)}, with the {@code date_saved} to record (a reproducible file). */
    public static void save(KerasModel model, Path file, LocalDateTime saved) throws IOException {
        byte[] config = Keras3Serialization.bytes(Keras3Serialization.of(model));
        ObjectNode metadata = new ObjectMapper().createObjectNode().put("keras_version", KERAS_VERSION)
                .put("date_saved", DATE_SAVED.format(saved));
        Path weights = Files.createTempFile(parent(file), "model.weights", ".h5.tmp");
        try {
            singleFile(model).write(weights);
            Map<String, byte[]> members = new LinkedHashMap<>();
            members.put(KerasV3File.METADATA, Keras3Serialization.bytes(metadata));
            members.put(KerasV3File.CONFIG, config);
            members.put(KerasV3File.WEIGHTS, Files.readAllBytes(weights));
            Path tmp = temporary(file);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                zip(members, saved, out);
            }
            readBackAndMove(List.of(tmp), List.of(file), () -> KerasModelFile.loadModel(tmp));
        } finally {
            Files.deleteIfExists(weights);
        }
    }

    /** The weights only, as {@code model.save_weights("file.weights.h5")} writes them (read by {@link KerasModelFile#loadWeights}). */
    public static void saveWeights(KerasModel model, Path file) throws IOException {
        Path tmp = temporary(file);
        singleFile(model).write(tmp);
        readBackAndMove(List.of(tmp), List.of(file), () -> KerasModelFile.loadWeights(tmp, model.modelConfig()));
    }

    /**
     * The weights in shards of at most {@code maxShardBytes} each, as
     * {@code model.save_weights("m.weights.json", max_shard_size=maxShardBytes / 1024**3)} writes
     * them: {@code index} names the JSON index, which must end in {@code .weights.json}; the
     * shards are written beside it.
     *
     * @return the shard files written, in order
     */
    public static List<Path> saveShardedWeights(KerasModel model, Path index, long maxShardBytes) throws IOException {
        String indexName = index.getFileName().toString();
        if (!indexName.endsWith(ShardedWeightsIndex.SUFFIX)) {
            throw new InvalidRequestException("sharded weights are saved under a name ending in "
                    + ShardedWeightsIndex.SUFFIX + " (Keras requires it): " + index);
        }
        if (maxShardBytes <= 0) {
            throw new InvalidRequestException("the largest shard size must be positive: " + maxShardBytes);
        }
        Shards shards = shard(Keras3WeightPlaces.of(model), maxShardBytes);
        String base = indexName.substring(0, indexName.length() - ShardedWeightsIndex.SUFFIX.length());
        List<Path> temps = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        for (int i = 0; i < shards.files.size(); i++) {
            Path target = index.resolveSibling(String.format("%s_%05d%s", base, i, SHARD_SUFFIX));
            Path tmp = temporary(target);
            shards.files.get(i).write(tmp);
            temps.add(tmp);
            targets.add(target);
        }
        // the index read back must name the temporary shards; the one moved into place, the final ones
        Path tmpIndex = temporary(index);
        Files.write(tmpIndex, shards.index(temps, shards.totalBytes));
        temps.add(tmpIndex);
        targets.add(index);
        readBackAndMove(temps, targets, () -> KerasModelFile.loadWeights(tmpIndex, model.modelConfig()));
        Files.write(index, shards.index(targets.subList(0, targets.size() - 1), shards.totalBytes));
        return List.copyOf(targets.subList(0, targets.size() - 1));
    }

    private static Keras3WeightsFile singleFile(KerasModel model) {
        Keras3WeightsFile file = new Keras3WeightsFile();
        for (Keras3WeightPlaces.Place p : Keras3WeightPlaces.of(model)) {
            file.vars(p.path(), p.layerName());
            for (int i = 0; i < p.variables().size(); i++) {
                file.variable(p.path(), i, p.variables().get(i));
            }
        }
        return file;
    }

    /** The shards and, for each {@code vars} group with variables, which shards hold them. */
    private static final class Shards {
        final List<Keras3WeightsFile> files = new ArrayList<>();
        final Map<String, List<Integer>> weightMap = new LinkedHashMap<>();
        long totalBytes;

        byte[] index(List<Path> shardFiles, long total) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = json.createObjectNode();
            root.putObject("metadata").put("total_size", (double) total);   // Keras's is a float
            ObjectNode map = root.putObject("weight_map");
            weightMap.forEach((vars, in) -> {
                if (in.size() == 1) {
                    map.put(vars, shardFiles.get(in.get(0)).getFileName().toString());
                } else {
                    ArrayNode list = map.putArray(vars);
                    in.forEach(i -> list.add(shardFiles.get(i).getFileName().toString()));
                }
            });
            try {
                return json.writeValueAsBytes(root);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Keras's {@code ShardedH5IOStore.__setitem__}: variables go to the current shard until adding
     * one takes it over the limit; that variable starts the next shard. A layer's named
     * {@code vars} group is made in the shard current when Keras reaches the layer (before its
     * first variable, which may open the next shard); a variable larger than a shard is refused.
     */
    private static Shards shard(List<Keras3WeightPlaces.Place> places, long maxBytes) {
        Shards s = new Shards();
        s.files.add(new Keras3WeightsFile());
        long current = 0;
        for (Keras3WeightPlaces.Place p : places) {
            s.files.get(s.files.size() - 1).vars(p.path(), p.layerName());
            for (int i = 0; i < p.variables().size(); i++) {
                Tensor v = p.variables().get(i);
                long bytes = 4L * v.size();
                if (bytes > maxBytes) {
                    throw new InvalidRequestException("variable " + i + " of layer '" + p.layerName() + "' takes "
                            + bytes + " bytes, more than the largest shard (" + maxBytes + " bytes)");
                }
                current += bytes;
                s.totalBytes += bytes;
                if (current > maxBytes) {
                    s.files.add(new Keras3WeightsFile());
                    current = bytes;
                }
                int shard = s.files.size() - 1;
                s.files.get(shard).variable(p.path(), i, v);
                List<Integer> in = s.weightMap.computeIfAbsent(p.varsPath(), k -> new ArrayList<>());
                if (!in.contains(shard)) {
                    in.add(shard);
                }
            }
        }
        return s;
    }

    private interface ReadBack {
        Object read() throws IOException;
    }

    /** Reads the temporary files back, then moves each into place; deletes them all if they do not read. */
    private static void readBackAndMove(List<Path> temps, List<Path> targets, ReadBack readBack) throws IOException {
        try {
            readBack.read();
        } catch (KerasFormatException e) {
            for (Path t : temps) {
                Files.deleteIfExists(t);
            }
            throw new IOException("writing " + targets.get(targets.size() - 1) + " produced a file that does not "
                    + "read back (" + e.getMessage() + "); nothing was written", e);
        }
        for (int i = 0; i < temps.size(); i++) {
            Files.move(temps.get(i), targets.get(i), StandardCopyOption.REPLACE_EXISTING);
            try {
                // a temp file is created owner-only; a saved model is an ordinary file
                Files.setPosixFilePermissions(targets.get(i),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
        }
    }

    private static Path temporary(Path file) throws IOException {
        return Files.createTempFile(parent(file), file.getFileName().toString(), ".tmp");
    }

    private static Path parent(Path file) {
        return file.toAbsolutePath().getParent();
    }

    /** A zip of stored (uncompressed) members, as Python's zipfile writes a .keras by default. */
    private static void zip(Map<String, byte[]> members, LocalDateTime saved, OutputStream to) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(to, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                ZipEntry entry = new ZipEntry(m.getKey());
                CRC32 crc = new CRC32();
                crc.update(m.getValue());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(m.getValue().length);
                entry.setCompressedSize(m.getValue().length);
                entry.setCrc(crc.getValue());
                entry.setTimeLocal(saved);
                zip.putNextEntry(entry);
                zip.write(m.getValue());
                zip.closeEntry();
            }
        }
    }
}
