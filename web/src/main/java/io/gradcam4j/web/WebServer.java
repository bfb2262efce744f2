package io.gradcam4j.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cli.DemoImages;
import io.gradcam4j.cli.Reports;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;

import java.net.InetAddress;
import java.nio.file.Files;
import java.util.Locale;

/**
 * The server of {@code gradcam serve}: Javalin on Jetty, the page's files from the jar, and the JSON
 * API (documented in the README). Every route answers JSON errors through {@link ApiErrors};
 * every request passes the {@link RequestGuard} first.
 */
final class WebServer implements AutoCloseable {
    /** Uploads larger than this are refused (413) before they are read. */
    static final long DEFAULT_MAX_UPLOAD_BYTES = 20L << 20;
    /** What a multipart form may add around the image (its other fields and the part headers). */
    private static final long FORM_OVERHEAD_BYTES = 64 << 10;

    private final Javalin app;
    private final ExplainQueue queue;

    /**
     * @param host the address to bind, e.g. 127.0.0.1
     * @param port 0 for any free port
     * @param queueCapacity how many explanations may wait for the model thread
     */
    WebServer(ModelCatalog catalog, AuditFolders audits, String host, int port, int queueCapacity, long maxUploadBytes)
            throws Exception {
        this.queue = new ExplainQueue(queueCapacity);
        boolean loopback = InetAddress.getByName(host).isLoopbackAddress();
        RequestGuard guard = new RequestGuard(loopback);
        ExplainRoute explain = new ExplainRoute(catalog, queue, maxUploadBytes);
        long maxRequest = maxUploadBytes + FORM_OVERHEAD_BYTES;
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = maxRequest;
            config.jetty.multipartConfig.maxFileSize(maxUploadBytes, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(maxRequest, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/io/gradcam4j/web/static";
                files.location = Location.CLASSPATH;
            });
        });
        app.before(ctx -> {
            RequestGuard.securityHeaders(ctx);
            guard.check(ctx);
            refuseLargeBody(ctx, maxRequest);
        });
        app.exception(Exception.class, ApiErrors::answer);
        app.error(404, ctx -> {
            if (ctx.path().startsWith("/api/") && ctx.attribute(ApiErrors.ANSWERED) == null) {
                ApiErrors.send(ctx, 404, "invalid-request", "no such route: " + ctx.method() + " " + ctx.path());
            }
        });

        app.get("/api/health", ctx -> ctx.json(health()));
        app.get("/api/models", ctx -> json(ctx, catalog.json()));
        app.get("/api/models/{id}/layers", ctx -> {
            String id = ctx.pathParam("id");
            catalog.entry(id);
            json(ctx, queue.run(null, job -> {
                try {
                    return Reports.layers(catalog.load(id));
                } catch (java.io.IOException e) {
                    throw new ExplainRoute.WorkFailed(e);
                }
            }));
        });
        app.get("/api/methods", ctx -> json(ctx, choices()));
        app.get("/api/demo-images", ctx -> json(ctx, Reports.JSON.valueToTree(DemoImages.names())));
        app.get("/api/demo-images/{name}", ctx -> {
            byte[] png = DemoImages.read(ctx.pathParam("name"));
            ctx.contentType("image/png").result(png);
        });
        app.post("/api/explain", explain::handle);
        app.get("/api/jobs/{id}", ctx -> json(ctx, job(ctx).json()));
        app.delete("/api/jobs/{id}", ctx -> {
            ExplainJob job = job(ctx);
            job.cancel();
            json(ctx, job.json());
        });
        app.get("/api/audits", ctx -> json(ctx, audits.json()));
        app.get("/api/audits/{id}", ctx -> json(ctx, audits.read(ctx.pathParam("id"))));
        app.get("/api/audits/{id}/report", ctx -> {
            // the audit's own self-contained page: its inline style and data-URL pictures, no script
            ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
            ctx.contentType("text/html; charset=utf-8").result(Files.readAllBytes(audits.reportPage(ctx.pathParam("id"))));
        });
        app.get("/api/audits/{id}/images/{index}", ctx -> {
            var file = audits.image(ctx.pathParam("id"), index(ctx.pathParam("index")));
            byte[] bytes = Files.readAllBytes(file);
            ctx.contentType(UploadedImage.sniff(bytes).equals("png") ? "image/png" : "image/jpeg").result(bytes);
        });
        app.start(host, port);
    }

    /** A body announced larger than the limit is refused before a byte of it is read. */
    private static void refuseLargeBody(Context ctx, long maxRequest) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxRequest) {
            ctx.header("Connection", "close");
            throw new ApiException(413, "resource-limit", "the request is " + length + " bytes, more than the "
                    + maxRequest + " this server accepts (images up to " + (maxRequest - FORM_OVERHEAD_BYTES) + " bytes)");
        }
    }

    private static int index(String text) {
        if (!text.matches("\\d{1,9}")) {
            throw new ApiException(404, "invalid-request", "an image is named by its index in the audit, not '" + text + "'");
        }
        return Integer.parseInt(text);
    }

    private ExplainJob job(Context ctx) {
        ExplainJob job = queue.job(ctx.pathParam("id"));
        if (job == null) {
            throw new ApiException(404, "invalid-request", "no job " + ctx.pathParam("id") + " is queued or running");
        }
        return job;
    }

    private static void json(Context ctx, com.fasterxml.jackson.databind.JsonNode body) throws Exception {
        ctx.contentType("application/json").result(Reports.JSON.writeValueAsString(body));
    }

    private ObjectNode health() {
        ObjectNode n = Reports.JSON.createObjectNode();
        n.put("status", "ok");
        n.put("waiting", queue.waiting());
        n.put("capacity", queue.capacity());
        return n;
    }

    /** The choices the page offers: every method the command line has, the colormaps and score kinds. */
    private static ObjectNode choices() {
        ObjectNode n = Reports.JSON.createObjectNode();
        ArrayNode methods = n.putArray("methods");
        Methods.names().forEach(methods::add);
        ArrayNode colormaps = n.putArray("colormaps");
        for (Colormap c : Colormap.values()) {
            colormaps.add(c.name().toLowerCase(Locale.ROOT));
        }
        ArrayNode scores = n.putArray("scores");
        scores.add("logit").add("probability");
        return n;
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() {
        queue.close();
        app.stop();
    }
}
