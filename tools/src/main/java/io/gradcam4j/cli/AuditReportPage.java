package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradcam4j.cam.audit.AuditSummary;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: the audit for people, in one file that opens offline (no script, no CDN,
 * pictures embedded as data URIs): the headline figures, accuracy and mean on-object share per
 * class, the confusion matrix, histograms of the on-object share for right and wrong answers,
 * the mean faithfulness figures, galleries of the images where the model looks most outside
 * the object (right and wrong answers apart), the failures and the provenance.
 */
final class AuditReportPage {
    private static final int THUMBNAIL = 160;

    /** Draws the picture of one audited image (its JSON record) for a gallery. */
    @FunctionalInterface
    interface Pictures {
        BufferedImage draw(JsonNode image) throws IOException;
    }

    private AuditReportPage() {
    }

    static void write(Path file, JsonNode report, AuditSummary s, List<String> classNames, int perGallery,
                      Pictures pictures) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gradcam4j audit</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;"
                        + "margin:0.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
                        + "th{background:#f2f2f2}td.l,th.l{text-align:left}.g{display:flex;flex-wrap:wrap;gap:10px}"
                        + "figure{margin:0;width:" + THUMBNAIL + "px;font-size:12px}figcaption{word-break:break-all}"
                        + ".big{font-size:1.4em}</style></head><body>\n");
        JsonNode p = report.get("provenance");
        h.append("<h1>Audit of ").append(esc(p.get("images").asText())).append("</h1>\n");
        headline(h, s, p);
        perClass(h, s);
        confusion(h, s, classNames);
        histograms(h, s);
        metrics(h, s);
        List<JsonNode> images = new ArrayList<>();
        report.get("images").forEach(images::add);
        gallery(h, "Right answers, looking most outside the object", images, true, perGallery, pictures);
        gallery(h, "Wrong answers, looking most outside the object", images, false, perGallery, pictures);
        failures(h, report.get("failures"));
        h.append("<h2>Provenance</h2>\n<table>");
        p.fields().forEachRemaining(e -> h.append("<tr><th class=l>").append(esc(e.getKey())).append("</th><td class=l>")
                .append(esc(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()))
                .append("</td></tr>"));
        h.append("</table>\n</body></html>\n");
        Files.writeString(file, h);
    }

    private static void headline(StringBuilder h, AuditSummary s, JsonNode p) {
        h.append("<p class=big>").append(s.images()).append(" images");
        if (s.accuracy() != null) {
            h.append(" · accuracy <b>").append(pct(s.accuracy())).append("</b>");
        }
        if (s.meanOnObject() != null) {
            h.append(" · mean on-object share <b>").append(num(s.meanOnObject())).append("</b> · pointing game <b>")
                    .append(pct(s.pointingGame())).append("</b> · mean IoU ").append(num(s.meanIou()));
        }
        if (s.failed() > 0) {
            h.append(" · <b>").append(s.failed()).append(" failed</b>");
        }
        h.append("</p>\n<p>Model ").append(esc(p.get("model").asText())).append(", method ")
                .append(esc(p.get("method").asText())).append(p.get("layers").isEmpty() ? "" : " at "
                        + esc(p.get("layers").toString())).append(", ").append(esc(p.get("classes").asText()))
                .append(" class, score ").append(esc(p.get("score").asText())).append(". The on-object share is the ")
                .append("part of the map's positive mass that lies on the object (1 = all of it).</p>\n");
    }

    private static void perClass(StringBuilder h, AuditSummary s) {
        if (s.perClass().isEmpty()) {
            return;
        }
        h.append("<h2>Per class</h2>\n<table><tr><th class=l>class</th><th>images</th><th>accuracy</th>"
                + "<th>mean on-object share</th></tr>");
        for (AuditSummary.ClassRow r : s.perClass()) {
            h.append("<tr><td class=l>").append(esc(r.name())).append("</td><td>").append(r.images()).append("</td><td>")
                    .append(pct(r.accuracy())).append("</td><td>").append(num(r.meanOnObject())).append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static void confusion(StringBuilder h, AuditSummary s, List<String> names) {
        if (s.labelled() == 0) {
            return;
        }
        h.append("<h2>Confusion matrix</h2>\n<p>Rows: true class; columns: predicted class.</p>\n<table><tr><th></th>");
        int[][] m = s.confusion();
        List<Integer> shown = new ArrayList<>();
        for (int c = 0; c < m.length; c++) {
            int k = c;
            boolean used = java.util.Arrays.stream(m[c]).sum() > 0 || java.util.Arrays.stream(m).anyMatch(r -> r[k] > 0);
            if (used) {
                shown.add(c);
                h.append("<th>").append(esc(names.get(c))).append("</th>");
            }
        }
        h.append("</tr>");
        for (int t : shown) {
            int total = java.util.Arrays.stream(m[t]).sum();
            h.append("<tr><th class=l>").append(esc(names.get(t))).append("</th>");
            for (int pr : shown) {
                double share = total == 0 ? 0 : m[t][pr] / (double) total;
                String colour = t == pr ? "0,140,0" : "200,0,0";
                h.append("<td style=\"background:rgba(").append(colour).append(',')
                        .append(String.format(Locale.ROOT, "%.2f", 0.7 * share)).append(")\">").append(m[t][pr])
                        .append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>\n");
    }

    private static void histograms(StringBuilder h, AuditSummary s) {
        if (s.located() == 0) {
            return;
        }
        h.append("<h2>On-object share</h2>\n<p>Images per bin of the share of the map's mass on the object "
                + "(green: right answers, red: wrong, grey: no true class).</p>\n");
        int[][] series = {s.onObjectRight(), s.onObjectWrong(), s.onObjectUnlabelled()};
        String[] colours = {"#2a2", "#c22", "#999"};
        int max = 1;
        for (int[] ser : series) {
            for (int v : ser) {
                max = Math.max(max, v);
            }
        }
        int bar = 14;
        int width = AuditSummary.BINS * (3 * bar + 10) + 40;
        h.append("<svg width=\"").append(width).append("\" height=\"180\" role=\"img\" aria-label=\"histogram\">");
        for (int b = 0; b < AuditSummary.BINS; b++) {
            int x0 = 30 + b * (3 * bar + 10);
            for (int k = 0; k < 3; k++) {
                int height = (int) Math.round(140.0 * series[k][b] / max);
                h.append("<rect x=\"").append(x0 + k * bar).append("\" y=\"").append(150 - height).append("\" width=\"")
                        .append(bar - 1).append("\" height=\"").append(height).append("\" fill=\"").append(colours[k])
                        .append("\"><title>").append(series[k][b]).append("</title></rect>");
            }
            h.append("<text x=\"").append(x0).append("\" y=\"168\" font-size=\"10\">")
                    .append(String.format(Locale.ROOT, "%.1f", b / (double) AuditSummary.BINS)).append("</text>");
        }
        h.append("<text x=\"0\" y=\"12\" font-size=\"10\">").append(max).append("</text></svg>\n");
    }

    private static void metrics(StringBuilder h, AuditSummary s) {
        if (s.metricMeans().isEmpty()) {
            return;
        }
        h.append("<h2>Faithfulness (means over the images)</h2>\n<table>");
        s.metricMeans().forEach((k, v) -> h.append("<tr><th class=l>").append(esc(k)).append("</th><td>").append(num(v))
                .append("</td></tr>"));
        h.append("</table>\n");
    }

    private static void gallery(StringBuilder h, String title, List<JsonNode> images, boolean right, int count,
                                Pictures pictures) {
        List<JsonNode> chosen = images.stream()
                .filter(i -> i.path("correct").isBoolean() && i.get("correct").asBoolean() == right)
                .filter(i -> i.hasNonNull("on_object"))
                .sorted(Comparator.comparingDouble(i -> i.get("on_object").asDouble()))
                .limit(count).toList();
        if (chosen.isEmpty()) {
            return;
        }
        h.append("<h2>").append(esc(title)).append("</h2>\n<div class=g>");
        for (JsonNode i : chosen) {
            h.append("<figure>");
            try {
                h.append("<img width=").append(THUMBNAIL).append(" alt=\"").append(esc(i.get("image").asText()))
                        .append("\" src=\"data:image/jpeg;base64,").append(jpeg(pictures.draw(i))).append("\">");
            } catch (IOException | RuntimeException e) {
                h.append("<p>(picture unavailable: ").append(esc(String.valueOf(e.getMessage()))).append(")</p>");
            }
            h.append("<figcaption>").append(esc(i.get("image").asText())).append("<br>true ")
                    .append(esc(i.get("true_label").asText())).append(", predicted ")
                    .append(esc(i.get("predicted_label").asText())).append(" (").append(pct(i.get("confidence").asDouble()))
                    .append(")<br>on-object ").append(num(i.get("on_object").asDouble())).append("</figcaption></figure>");
        }
        h.append("</div>\n");
    }

    private static void failures(StringBuilder h, JsonNode failures) {
        if (failures.isEmpty()) {
            return;
        }
        h.append("<h2>Images that failed</h2>\n<table>");
        failures.forEach(f -> h.append("<tr><td class=l>").append(esc(f.get("image").asText())).append("</td><td class=l>")
                .append(esc(f.get("kind").asText())).append("</td><td class=l>").append(esc(f.get("error").asText()))
                .append("</td></tr>"));
        h.append("</table>\n");
    }

    private static String jpeg(BufferedImage picture) throws IOException {
        int w = THUMBNAIL;
        int hh = Math.max(1, Math.round(picture.getHeight() * (float) w / picture.getWidth()));
        BufferedImage small = new BufferedImage(w, hh, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(picture, 0, 0, w, hh, null);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(small, "jpg", bytes);
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static String pct(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    private static String num(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
