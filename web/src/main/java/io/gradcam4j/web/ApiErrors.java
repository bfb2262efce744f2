package io.gradcam4j.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cli.Failure;
import io.gradcam4j.cli.Reports;
import io.javalin.http.Context;

/**
 * Every failure as the JSON the command line prints with {@code --json}: {@code {"error", "kind"}},
 * with an HTTP status chosen by its kind. The browser never sees a stack trace: an error the
 * library did not describe (a bug) is answered "internal error" and printed in full on the
 * server's standard error instead.
 */
final class ApiErrors {
    /** Set on a request whose error was answered here, so that the 404 page does not replace it. */
    static final String ANSWERED = "gradcam.error-answered";

    private ApiErrors() {
    }

    static void answer(Exception e, Context ctx) {
        if (e instanceof ExplainRoute.WorkFailed w && w.getCause() instanceof Exception cause) {
            e = cause;
        }
        if (e instanceof ApiException api) {
            if (api.retryAfterSeconds() > 0) {
                ctx.header("Retry-After", Integer.toString(api.retryAfterSeconds()));
            }
            send(ctx, api.status(), api.kind(), api.getMessage());
            return;
        }
        Failure f = Failure.of(e);
        int status = status(f.kind());
        if (status == 500) {
            System.err.println("gradcam serve: internal error on " + ctx.method() + " " + ctx.path());
            e.printStackTrace();
            send(ctx, 500, "internal", "internal error (the server's log has the details)");
            return;
        }
        send(ctx, status, f.kind(), f.message());
    }

    /** The HTTP status of a {@link Failure} kind. */
    static int status(String kind) {
        return switch (kind) {
            case "invalid-request", "usage" -> 400;
            case "damaged-input" -> 422;
            case "unsupported" -> 415;
            case "resource-limit" -> 413;
            case "unavailable" -> 503;   // e.g. official weights that cannot be downloaded now
            default -> 500;
        };
    }

    static void send(Context ctx, int status, String kind, String message) {
        ObjectNode body = Reports.JSON.createObjectNode();
        body.put("error", message);
        body.put("kind", kind);
        ctx.attribute(ANSWERED, true);
        ctx.status(status).contentType("application/json").result(body.toString());
    }
}
