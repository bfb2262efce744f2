package io.gradcam4j.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM without the incubator module (a restricted one, or one started without
 * {@code --add-modules jdk.incubator.vector}) must still run every command, with the scalar
 * kernels. The tests themselves run with the module, so this starts a JVM without it.
 */
class RestrictedJvmTest {

    @Test
    void theCommandLineRunsWithoutTheVectorModule() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                GradcamCommand.class.getName(), "--version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("kernels: scalar"), out);
        assertTrue(List.of(out.split("\n")).stream().noneMatch(l -> l.contains("Exception")), out);
    }
}
