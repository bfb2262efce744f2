package io.gradcam4j.build.jmh;

import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The goal on a tiny jar whose main class writes down its arguments and a system property. */
class RunMojoTest {
    @TempDir
    Path dir;

    @Test
    void runsTheMainClassOfTheJarWithTheJvmOptionsAndJmhArguments() throws Exception {
        Path out = dir.resolve("args.txt");
        RunMojo mojo = mojo(TinyJar.recordingArguments(dir), "-f 1 -wi 1  KernelBench");
        mojo.jvmArgs = List.of("-Drecord.to=" + out);
        mojo.execute();
        assertEquals(List.of("-f", "1", "-wi", "1", "KernelBench"), Files.readAllLines(out));
    }

    @Test
    void aMissingJarSaysHowToBuildIt() {
        RunMojo mojo = mojo(dir.resolve("benchmarks.jar").toFile(), "");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains("package"), e.getMessage());
    }

    @Test
    void aJarOlderThanItsSourcesIsRefused() throws Exception {
        File jar = TinyJar.recordingArguments(dir);
        File source = Files.writeString(Files.createDirectories(dir.resolve("src")).resolve("Kernel.java"), "").toFile();
        source.setLastModified(jar.lastModified() + 10_000);
        RunMojo mojo = mojo(jar, "");
        mojo.sources = List.of(dir.resolve("src").toFile());
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("older than") && e.getMessage().contains("Kernel.java"), e.getMessage());
    }

    @Test
    void aFailingBenchmarkRunFailsTheGoal() throws Exception {
        RunMojo mojo = mojo(TinyJar.recordingArguments(dir), "");
        mojo.jvmArgs = List.of("-Drecord.to=" + dir.resolve("no/such/folder/args.txt"));   // main throws
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
    }

    private static RunMojo mojo(File jar, String args) {
        RunMojo mojo = new RunMojo();
        mojo.benchmarksJar = jar;
        mojo.mainClass = TinyJar.MAIN_CLASS;
        mojo.args = args;
        mojo.java = new File(System.getProperty("java.home"), "bin/java");
        return mojo;
    }
}
