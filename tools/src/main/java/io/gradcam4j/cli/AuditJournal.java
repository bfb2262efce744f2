package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gradcam4j.engine.errors.InvalidRequestException;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code audit.jsonl}: the audit's settings on the first line, then one line per image as soon as
 * it is done, flushed, so that an interrupted audit loses at most the batch in flight.
 * {@code --resume} reads it back, refuses when the settings differ (another model, method or
 * option would mix two audits in one report), and skips the images already audited; images that
 * failed are tried again.
 */
final class AuditJournal implements Closeable {
    static final String FILE = "audit.jsonl";
    private static final ObjectMapper LINES = new ObjectMapper();

    private final BufferedWriter writer;
    private final Map<String, JsonNode> done;

    private AuditJournal(BufferedWriter writer, Map<String, JsonNode> done) {
        this.writer = writer;
        this.done = done;
    }

    static AuditJournal open(Path out, ObjectNode settings, boolean resume) throws IOException {
        Path file = out.resolve(FILE);
        Map<String, JsonNode> done = new LinkedHashMap<>();
        if (Files.exists(file) && !resume) {
            throw new InvalidRequestException(file + " already exists: give --resume to go on with that audit, or "
                    + "another --out");
        }
        if (resume && Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            JsonNode earlier = lines.isEmpty() ? null : LINES.readTree(lines.get(0)).get("settings");
            if (!settings.equals(earlier)) {
                throw new InvalidRequestException("--resume: " + file + " was made with other settings; start a new "
                        + "audit in another --out. Earlier: " + earlier + "; now: " + settings);
            }
            for (String line : lines.subList(1, lines.size())) {
                JsonNode image = readLine(line);
                if (image != null && !image.has("failure")) {
                    done.put(image.get("image").asText(), image);
                }
            }
            return new AuditJournal(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND),
                    done);
        }
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        w.write(LINES.writeValueAsString(LINES.createObjectNode().set("settings", settings)));
        w.newLine();
        w.flush();
        return new AuditJournal(w, done);
    }

    /** A line cut short by the interruption is not an image done. */
    private static JsonNode readLine(String line) {
        try {
            JsonNode n = LINES.readTree(line);
            return n != null && n.has("image") ? n : null;
        } catch (IOException torn) {
            return null;
        }
    }

    /** The images audited by an earlier run, by relative name. */
    Map<String, JsonNode> done() {
        return done;
    }

    synchronized void write(JsonNode line) throws IOException {
        writer.write(LINES.writeValueAsString(line));
        writer.newLine();
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
