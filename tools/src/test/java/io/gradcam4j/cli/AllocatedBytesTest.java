package io.gradcam4j.cli;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AllocatedBytesTest {
    private static volatile Object sink;

    @Test
    void countsWhatARunAllocates() {
        assumeTrue(AllocatedBytes.total().isPresent(), "this JVM does not count allocation per thread");
        OptionalLong perRun = AllocatedBytes.perRun(() -> sink = new float[4_000_000], 2);   // 16 MB a run
        long bytes = perRun.orElseThrow();
        assertTrue(bytes >= 16_000_000 && bytes < 17_000_000, "16 MB a run, counted " + bytes);
    }

    @Test
    void aRunThatAllocatesNothingCountsLittle() {
        assumeTrue(AllocatedBytes.total().isPresent(), "this JVM does not count allocation per thread");
        int[] counter = new int[1];
        long bytes = AllocatedBytes.perRun(() -> counter[0]++, 10).orElseThrow();
        assertTrue(bytes < 1_000_000, "a counter increment allocated " + bytes + " bytes a run");
    }
}
