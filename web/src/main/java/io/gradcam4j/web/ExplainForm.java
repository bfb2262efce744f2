package io.gradcam4j.web;

import io.gradcam4j.cam.Colormap;
import io.gradcam4j.cam.methods.MethodOptions;
import io.gradcam4j.cam.methods.Methods;
import io.gradcam4j.cli.ClassSelection;
import io.gradcam4j.cli.ScoreChoice;
import io.gradcam4j.engine.errors.InvalidRequestException;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of {@code POST /api/explain}, read and checked before the request waits in the
 * queue: {@code image} (a file), {@code model} (an id of GET /api/models, default {@code demo}),
 * {@code method} (default gradcam), {@code class} (N, LABEL or top:K, comma-separated; default the
 * predicted class), {@code layer} (default auto), {@code score} (logit, probability, sum or
 * channel:K), {@code colormap}, {@code alpha} (the server-drawn overlay's heatmap weight), the
 * optional method parameters {@code samples}, {@code steps}, {@code seed}, {@code max_channels},
 * and {@code job}, an id the page picks to follow and cancel the work.
 */
record ExplainForm(byte[] image, String imageName, String model, String method, List<String> classes, String layer,
                   ScoreChoice score, Colormap colormap, float alpha, MethodOptions options, String job) {

    /** Parameters large enough for any real use and small enough that one request cannot hold the server for hours. */
    private static final int MAX_SAMPLES = 10_000;
    private static final int MAX_STEPS = 1_000;

    static ExplainForm read(Context ctx, long maxUploadBytes) throws IOException {
        UploadedFile file = upload(ctx, maxUploadBytes);
        if (file == null) {
            throw new InvalidRequestException("no image: send the picture as the multipart field 'image'");
        }
        if (file.size() > maxUploadBytes) {
            throw new ApiException(413, "resource-limit", "the image is " + file.size() + " bytes, more than the "
                    + maxUploadBytes + " this server accepts");
        }
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readNBytes((int) Math.min(maxUploadBytes + 1, Integer.MAX_VALUE));
        }
        UploadedImage.sniff(bytes);   // a text file or a GIF is refused before it waits in the queue
        String method = field(ctx, "method", "gradcam");
        Methods.byName(method);        // an unknown name lists the valid ones
        List<String> classes = new ArrayList<>();
        String cls = field(ctx, "class", "");
        if (!cls.isBlank()) {
            classes.add(cls);
        }
        ClassSelection.validate(classes, !cls.isBlank());
        ScoreChoice score = ScoreChoice.parse(field(ctx, "score", "logit"));
        float alpha = (float) number(ctx, "alpha", 0.4, 0, 1);
        MethodOptions options = MethodOptions.builder()
                .samples(whole(ctx, "samples", 1, MAX_SAMPLES))
                .steps(whole(ctx, "steps", 1, MAX_STEPS))
                .maxChannels(whole(ctx, "max_channels", 1, 1 << 20))
                .seed(ctx.formParam("seed") == null || ctx.formParam("seed").isBlank() ? null
                        : (long) whole(ctx, "seed", 0, Integer.MAX_VALUE))
                .build();
        String job = ctx.formParam("job");
        if (job != null && !job.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InvalidRequestException("job must be 1 to 64 letters, digits, '-' or '_'");
        }
        String name = file.filename() == null || file.filename().isBlank() ? "upload" : file.filename();
        return new ExplainForm(bytes, name, field(ctx, "model", "demo"), method, classes, field(ctx, "layer", "auto"),
                score, Colormap.parse(field(ctx, "colormap", "jet")), alpha, options, job);
    }

    /**
     * The multipart part {@code image}. A body sent without its length (chunked) is cut off by
     * Jetty's multipart limits while it is read, which Jetty reports as an IllegalStateException.
     */
    private static UploadedFile upload(Context ctx, long maxUploadBytes) {
        try {
            return ctx.uploadedFile("image");
        } catch (IllegalStateException tooLarge) {
            throw new ApiException(413, "resource-limit", "the upload is larger than the " + maxUploadBytes
                    + " bytes this server accepts (" + tooLarge.getMessage() + ")");
        }
    }

    private static String field(Context ctx, String name, String fallback) {
        String v = ctx.formParam(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static double number(Context ctx, String name, double fallback, double min, double max) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name + " must be a number, not '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new InvalidRequestException(name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return d;
    }

    /** An optional whole number in [min, max], or null when absent. */
    private static Integer whole(Context ctx, String name, int min, int max) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (!v.strip().matches("\\d{1,10}") || Long.parseLong(v.strip()) < min || Long.parseLong(v.strip()) > max) {
            throw new InvalidRequestException(name + " must be a whole number in [" + min + ", " + max + "], not '" + v + "'");
        }
        return Integer.parseInt(v.strip());
    }
}
