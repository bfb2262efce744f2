package io.gradcam4j.cli;

import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.keras.KerasH5Writer;
import io.gradcam4j.keras.KerasModel;
import io.gradcam4j.keras.KerasV3Writer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code gradcam convert}: saves the model in the format its output name asks for, as Keras
 * would: {@code .keras} (Keras 3's model.save), {@code .weights.h5} (Keras 3's save_weights),
 * {@code .weights.json} (sharded save_weights), or {@code .h5} (Keras 2's full-model file).
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Saves the model as a Keras 3 .keras archive, Keras 3 weights (.weights.h5, or sharded "
                + ".weights.json), or a Keras 2 full-model .h5, chosen by the output's name.")
final class ConvertCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--out", required = true, paramLabel = "FILE.keras|FILE.weights.h5|FILE.weights.json|FILE.h5",
            description = "Where to write; the name's ending chooses the format.")
    Path out;

    @Option(names = "--max-shard-size", paramLabel = "MB", defaultValue = "5120",
            description = "With FILE.weights.json: the largest shard, in MB of 2^20 bytes (default: ${DEFAULT-VALUE}, "
                    + "Keras's 5 GB).")
    double maxShardMb;

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".weights.json"))) {
            throw new InvalidRequestException("--out " + out + ": name it .keras, .weights.h5, .weights.json or .h5 "
                    + "(the ending chooses the format)");
        }
        if (!(maxShardMb > 0) || maxShardMb > 1e9) {
            throw new InvalidRequestException("--max-shard-size must be a positive number of MB, not " + maxShardMb);
        }
        KerasModel model = ModelLoader.load(modelOptions, Progress.download(System.err)).model();
        if (name.endsWith(".keras")) {
            KerasV3Writer.save(model, out);
        } else if (name.endsWith(".weights.h5")) {
            KerasV3Writer.saveWeights(model, out);
        } else if (name.endsWith(".weights.json")) {
            List<Path> shards = KerasV3Writer.saveShardedWeights(model, out, (long) (maxShardMb * (1 << 20)));
            System.out.println("shards: " + shards.stream().map(p -> p.getFileName().toString()).toList());
        } else {
            KerasH5Writer.save(model, out);
        }
        System.out.println("wrote " + out);
        return 0;
    }
}
