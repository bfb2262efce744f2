package io.gradcam4j.build.jmh;

import java.io.File;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** Whether a build output is older than any of its sources: the first file found modified after it. */
final class SourceFreshness {
    private SourceFreshness() {
    }

    /** A file under {@code sources} (folders searched recursively) modified after {@code time}, if any. */
    static Optional<File> newerThan(List<File> sources, long time) {
        Deque<File> pending = new ArrayDeque<>(sources);
        while (!pending.isEmpty()) {
            File f = pending.pop();
            File[] children = f.listFiles();
            if (children != null) {
                pending.addAll(List.of(children));
            } else if (f.isFile() && f.lastModified() > time) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
