package io.gradcam4j.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.methods.ExplainRequest;
import io.gradcam4j.cli.Reports;

/**
 * One piece of work in the {@link ExplainQueue}, as the page follows it: queued, running (with the
 * passes done of a long method), and whether it was asked to stop. A cancelled job stops at its
 * next progress report (long methods report every batch of passes) or before it starts.
 */
final class ExplainJob {
    enum State { QUEUED, RUNNING, DONE }

    /** Thrown inside the work of a cancelled job, to unwind it. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private final String id;
    private volatile State state = State.QUEUED;
    private volatile boolean cancelled;
    private volatile String what = "";
    private volatile long done;
    private volatile long total;

    ExplainJob(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    void cancel() {
        cancelled = true;
    }

    /** Throws {@link Cancelled} when the job was cancelled: called where the work may stop. */
    void checkCancelled() {
        if (cancelled) {
            throw new Cancelled();
        }
    }

    void started() {
        state = State.RUNNING;
    }

    void finished() {
        state = State.DONE;
    }

    /** The method's progress callback: records how far it got, and stops it when cancelled. */
    ExplainRequest.Progress progress() {
        return (stage, doneNow, totalNow) -> {
            what = stage;
            done = doneNow;
            total = totalNow;
            checkCancelled();
        };
    }

    /** {@code {"id", "state", "what", "done", "total", "cancelled"}}: what GET /api/jobs/{id} answers. */
    ObjectNode json() {
        ObjectNode n = Reports.JSON.createObjectNode();
        n.put("id", id);
        n.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        n.put("what", what);
        n.put("done", done);
        n.put("total", total);
        n.put("cancelled", cancelled);
        return n;
    }
}
