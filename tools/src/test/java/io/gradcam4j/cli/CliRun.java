package io.gradcam4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;

/** One run of the command line in this JVM, with what it printed on each stream. */
record CliRun(int code, String out, String err) {
    static final ObjectMapper MAPPER = new ObjectMapper();

    JsonNode json() throws IOException {
        return new ObjectMapper().readTree(out);
    }

    static CliRun run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        try {
            int code = GradcamCommand.commandLine().execute(args);
            return new CliRun(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
