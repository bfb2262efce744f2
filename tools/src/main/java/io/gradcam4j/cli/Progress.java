package io.gradcam4j.cli;

import io.gradcam4j.keras.download.DownloadProgress;

import java.io.PrintStream;

/**
 * A one-line progress bar on standard error with the estimated time left (the mean time per step
 * so far times the steps left), drawn only when there is more than one step.
 */
final class Progress {
    private final PrintStream err;
    private final int total;
    private final long started = System.nanoTime();
    /** Steps done before this bar started (a resumed run): they do not count in the time per step. */
    private final int startedAt;
    private int done;

    private Progress(PrintStream err, int total, int alreadyDone) {
        this.err = err;
        this.total = total;
        this.done = alreadyDone;
        this.startedAt = alreadyDone;
    }

    static Progress bar(PrintStream err, int total) {
        return new Progress(err, total, 0);
    }

    static Progress bar(PrintStream err, int total, int alreadyDone) {
        return new Progress(err, total, alreadyDone);
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
        err.printf("\r[%s%s] %d/%d%s", "#".repeat(filled), " ".repeat(width - filled), done, total, timeLeft());
        if (done == total) {
            err.println();
        }
    }

    /** {@code , 1 min 05 s left}; empty until a step was timed. */
    private String timeLeft() {
        int timed = done - startedAt;
        if (timed <= 0 || done >= total) {
            return "          ";
        }
        long seconds = Math.round((System.nanoTime() - started) / 1e9 / timed * (total - done));
        return seconds >= 60 ? String.format(", %d min %02d s left   ", seconds / 60, seconds % 60)
                : String.format(", %d s left      ", seconds);
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

    /**
     * The passes of a long method (Score-CAM, occlusion, RISE...), on one line that is redrawn at
     * most every 2 %; runs of fewer than 64 passes are not shown.
     */
    static io.gradcam4j.cam.methods.ExplainRequest.Progress passes(PrintStream err) {
        int[] shown = {-1};
        return (what, done, total) -> {
            if (total < 64) {
                return;
            }
            int percent = (int) (100 * done / total);
            if (percent / 2 != shown[0] / 2 || done == total) {
                shown[0] = percent;
                err.printf("\r  %s: %d/%d", what, done, total);
                if (done == total) {
                    err.print("\r" + " ".repeat(40 + what.length()) + "\r");
                }
            }
        };
    }
}
