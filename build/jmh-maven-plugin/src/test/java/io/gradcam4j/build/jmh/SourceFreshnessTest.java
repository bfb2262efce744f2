package io.gradcam4j.build.jmh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SourceFreshnessTest {
    @Test
    void findsAFileDeepInAFolderModifiedAfterTheTime(@TempDir Path dir) throws Exception {
        File old = Files.writeString(Files.createDirectories(dir.resolve("a/b")).resolve("Old.java"), "").toFile();
        File changed = Files.writeString(Files.createDirectories(dir.resolve("c/d/e")).resolve("New.java"), "").toFile();
        old.setLastModified(1_000_000L);
        changed.setLastModified(3_000_000L);
        assertEquals(Optional.of(changed), SourceFreshness.newerThan(List.of(dir.toFile()), 2_000_000L));
        assertEquals(Optional.empty(), SourceFreshness.newerThan(List.of(dir.toFile()), 3_000_000L));
    }

    @Test
    void aFileGivenItselfAndAMissingPathCount(@TempDir Path dir) throws Exception {
        File pom = Files.writeString(dir.resolve("pom.xml"), "").toFile();
        pom.setLastModified(5_000_000L);
        assertEquals(Optional.of(pom), SourceFreshness.newerThan(List.of(dir.resolve("missing").toFile(), pom), 4_000_000L));
    }
}
