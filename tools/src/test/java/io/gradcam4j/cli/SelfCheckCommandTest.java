package io.gradcam4j.cli;

import io.gradcam4j.engine.Npy;
import io.gradcam4j.engine.Tensor;
import io.gradcam4j.engine.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gradcam selfcheck}: passes on the committed cases, fails loudly on a doctored one. */
class SelfCheckCommandTest {

    private record Run(int exitCode, String out) {
    }

    private static Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true));
        try {
            int code = GradcamCommand.commandLine(args).execute(args);
            return new Run(code, buffer.toString());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void committedReferenceCasesAllMatch() {
        Run r = run("selfcheck", "--testdata", TestData.testdata().toString());
        assertEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().matches("(?s).*(\\d+) of \\1 reference cases match.*"), r.out());
    }

    @Test
    void aDoctoredReferenceOutputIsReportedAndFails(@TempDir Path tmp) throws IOException {
        copyTree(TestData.testdata(), tmp);
        Path output = tmp.resolve("layers/conv2d_3x3_same_s1/output.npy");
        Tensor t = Npy.read(output);
        t.data()[0] += 0.01f;                       // far above the 1e-4 tolerance
        Npy.write(t, output);
        Run r = run("selfcheck", "--testdata", tmp.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertTrue(r.out().contains("FAIL layers  conv2d_3x3_same_s1"), r.out());
    }

    @Test
    void missingFolderIsAClearError(@TempDir Path tmp) {
        assertEquals(2, run("selfcheck", "--testdata", tmp.resolve("nowhere").toString()).exitCode());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
