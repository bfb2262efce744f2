package io.gradcam4j.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line adds only the subcommand a run invokes, and all of them otherwise. */
class GradcamCommandTest {
    private static final List<String> ALL = List.of("explain", "evaluate", "audit", "predict", "layers", "convert", "bench",
            "selfcheck");

    @Test
    void aRunOfOneSubcommandBuildsOnlyThatOne() {
        for (String name : ALL) {
            CommandLine cl = GradcamCommand.commandLine(new String[] {name, "--help"});
            assertEquals(Set.of(name), cl.getSubcommands().keySet());
        }
    }

    @Test
    void helpVersionAndUnknownNamesSeeEverySubcommand() {
        for (String[] args : new String[][] {{}, {"--help"}, {"-V"}, {"explian"}}) {
            assertEquals(ALL, List.copyOf(GradcamCommand.commandLine(args).getSubcommands().keySet()));
        }
    }

    @Test
    void usageWithoutArgumentsListsEverySubcommand() {
        String out = runCapturingOut();
        for (String name : ALL) {
            assertTrue(out.contains(name), () -> name + " missing from the usage:\n" + out);
        }
    }

    @Test
    void aMistypedSubcommandIsRefusedWithASuggestion() {
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setErr(new PrintStream(e, true));
        int code;
        try {
            code = GradcamCommand.commandLine(new String[] {"explian"}).execute("explian");
        } finally {
            System.setErr(err);
        }
        assertEquals(2, code);
        assertTrue(e.toString().contains("explain"), e::toString);
    }

    private static String runCapturingOut() {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        try {
            assertEquals(0, GradcamCommand.commandLine(new String[0]).execute());
        } finally {
            System.setOut(out);
        }
        return o.toString();
    }
}
