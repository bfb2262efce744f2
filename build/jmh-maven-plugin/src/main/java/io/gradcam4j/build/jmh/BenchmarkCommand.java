package io.gradcam4j.build.jmh;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of the benchmark JVM: java, its options, the jar as class path, the main class, JMH's arguments. */
final class BenchmarkCommand {
    private BenchmarkCommand() {
    }

    static List<String> of(File java, List<String> jvmArgs, File jar, String mainClass, String jmhArgs) {
        List<String> command = new ArrayList<>();
        command.add(java.getPath());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(jar.getPath());
        command.add(mainClass);
        command.addAll(splitArguments(jmhArgs));
        return command;
    }

    /** JMH's arguments as one string (a Maven property) split at white space; none when blank. */
    static List<String> splitArguments(String args) {
        if (args == null || args.isBlank()) {
            return List.of();
        }
        return Arrays.asList(args.trim().split("\\s+"));
    }
}
