package io.gradcam4j.build.jmh;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BenchmarkCommandTest {
    @Test
    void jmhArgumentsFollowTheMainClassSplitAtWhiteSpace() {
        List<String> command = BenchmarkCommand.of(new File("/jdk/bin/java"), List.of("--add-modules", "jdk.incubator.vector"),
                new File("/b/benchmarks.jar"), "org.openjdk.jmh.Main", "  KernelBench -f 1\t-wi 1  -i 2 ");
        assertEquals(List.of("/jdk/bin/java", "--add-modules", "jdk.incubator.vector", "-cp", "/b/benchmarks.jar",
                "org.openjdk.jmh.Main", "KernelBench", "-f", "1", "-wi", "1", "-i", "2"), command);
    }

    @Test
    void blankOrMissingArgumentsPassNone() {
        assertEquals(List.of(), BenchmarkCommand.splitArguments(""));
        assertEquals(List.of(), BenchmarkCommand.splitArguments("   "));
        assertEquals(List.of(), BenchmarkCommand.splitArguments(null));
    }
}
