package io.gradcam4j.cli;

import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import io.gradcam4j.keras.reference.Comparison;
import io.gradcam4j.keras.reference.ReferenceCase;
import io.gradcam4j.keras.reference.ReferenceCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Runs every reference case of {@code testdata/} (expected outputs and gradients written by
 * TensorFlow.js with Keras semantics) through the engine on this machine and prints how far each
 * result is from the reference. Useful wherever the JVM, CPU or kernels differ from the build
 * machine's.
 */
@Command(name = "selfcheck", mixinStandardHelpOptions = true,
        description = "Checks the engine on this machine against the committed TensorFlow.js reference cases.")
final class SelfCheckCommand implements Callable<Integer> {

    @Option(names = "--testdata", paramLabel = "DIR", defaultValue = "${sys:gradcam4j.root:-.}/testdata",
            description = "Folder with layers/, graphs/ and losses/ reference cases (default: ${DEFAULT-VALUE}).")
    Path testdata;

    @Option(names = "--verbose", description = "Print every comparison, not only the worst per case.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        if (!Files.isDirectory(testdata.resolve("layers"))) {
            System.err.println("error: no reference cases in " + testdata.toAbsolutePath()
                    + " (run from the project root or pass --testdata)");
            return 2;
        }
        out.printf("gradcam4j selfcheck: kernels %s, %d threads, tolerance %.0e of the largest reference value%n",
                Kernels.active().name(), Parallel.threads(), ReferenceCheck.TOLERANCE);
        int failed = 0;
        int total = 0;
        long start = System.nanoTime();
        for (String folder : List.of("layers", "graphs", "losses")) {
            Function<ReferenceCase, List<Comparison>> check = switch (folder) {
                case "layers" -> ReferenceCheck::layer;
                case "graphs" -> ReferenceCheck::graph;
                default -> ReferenceCheck::loss;
            };
            for (ReferenceCase c : ReferenceCase.all(testdata.resolve(folder))) {
                total++;
                if (!report(folder, c, check, out)) {
                    failed++;
                }
            }
        }
        out.printf("%d of %d reference cases match (%.1f s)%n", total - failed, total,
                (System.nanoTime() - start) / 1e9);
        return failed == 0 ? 0 : 1;
    }

    private boolean report(String folder, ReferenceCase c, Function<ReferenceCase, List<Comparison>> check,
                           PrintStream out) {
        List<Comparison> results;
        try {
            results = check.apply(c);
        } catch (RuntimeException e) {
            out.printf("FAIL %-7s %-40s %s%n", folder, c.name(), e.getMessage());
            return false;
        }
        Comparison worst = results.stream()
                .max((a, b) -> Double.compare(a.relativeError(), b.relativeError())).orElseThrow();
        boolean ok = results.stream().allMatch(r -> r.within(ReferenceCheck.TOLERANCE));
        out.printf("%s %-7s %-40s worst %-28s %.1e%n", ok ? "ok  " : "FAIL", folder, c.name(), worst.what(),
                worst.relativeError());
        if (verbose || !ok) {
            results.forEach(r -> out.println("       " + r));
        }
        return ok;
    }
}
