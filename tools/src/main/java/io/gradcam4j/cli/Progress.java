package io.gradcam4j.cli;

import io.gradcam4j.keras.download.DownloadProgress;

import java.io.PrintStream;

/** A one-line progress bar on standard error, drawn only when there is more than one step. */
final class Progress {
    private final PrintStream err;
    private final int total;
    private int done;

    private Progress(PrintStream err, int total) {
        this.err = err;
        this.total = total;
    }

    static Progress bar(PrintStream err, int total) {
        return new Progress(err, total);
    }

    void step() {
        step(1);
    }

    void step(int n) {
        done += n;
        if (total < 2) {
            return;
        }
        int width = 30;
        int filled = done * width / total;
        err.printf("\r[%s%s] %d/%d", "#".repeat(filled), " ".repeat(width - filled), done, total);
        if (done == total) {
            err.println();
        }
    }

    /** Download progress for weight files, in MB. */
    static DownloadProgress download(PrintStream err) {
        return (bytes, totalBytes) -> {
            if (totalBytes > 0) {
                err.printf("\rdownloading weights: %d / %d MB", bytes >> 20, totalBytes >> 20);
                if (bytes >= totalBytes) {
                    err.println();
                }
            }
        };
    }
}
