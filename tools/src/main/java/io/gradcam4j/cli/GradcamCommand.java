package io.gradcam4j.cli;

import io.gradcam4j.engine.kernels.KernelWarmUp;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code gradcam} command: its subcommands do the work. */
@Command(name = "gradcam", mixinStandardHelpOptions = true,
        versionProvider = GradcamCommand.Version.class,
        description = "Explains Keras CNN predictions with Grad-CAM, in pure Java.")
public final class GradcamCommand implements Runnable {
    /** The subcommands by name, in the order the usage lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands(ExplainCommand.class, EvaluateCommand.class,
            AuditCommand.class, PredictCommand.class, LayersCommand.class, ConvertCommand.class, BenchCommand.class,
            SelfCheckCommand.class);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // Compiling the kernels starts before anything else: a command that loads a model stops it
        // once the model is read (ModelLoader); the thread is a daemon, so no command waits for it.
        KernelWarmUp.startInBackground();
        System.exit(commandLine(args).execute(args));
    }

    /** The command line with every subcommand: see {@link #commandLine(String[])}. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for {@code args}, with its error handling: a failure prints one clear line
     * (or, with {@code --json}, a JSON object {@code {"error": ...}}) and exits non-zero, never a
     * stack trace. picocli reads a subcommand's options by reflection when it is added (about a
     * tenth of a second for all of them in a fresh JVM), so when the arguments start with a
     * subcommand's name only that one is added; otherwise (help, version, a mistyped name) all
     * are, and the usage and picocli's "did you mean" list them all.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new GradcamCommand());
        Class<?> invoked = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (invoked != null) {
            cl.addSubcommand(invoked);
        } else {
            SUBCOMMANDS.values().forEach(cl::addSubcommand);
        }
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((e, arguments) -> {
            if (!java.util.Arrays.asList(arguments).contains("--json")) {
                return usage.handleParseException(e, arguments);   // the message and the usage, on standard error
            }
            var node = Reports.JSON.createObjectNode();   // --json: a JSON object even for a mistyped option
            node.put("error", e.getMessage());
            node.put("kind", "usage");
            System.out.println(Reports.JSON.writeValueAsString(node));
            return 2;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean json = parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--json");
            Failure f = Failure.of(e);
            if (json) {
                var node = Reports.JSON.createObjectNode();
                node.put("error", f.message());
                node.put("kind", f.kind());
                System.out.println(Reports.JSON.writeValueAsString(node));
            } else {
                System.err.println("error: " + f.message());
            }
            return f.exitCode();
        });
        return cl;
    }

    private static Map<String, Class<?>> subcommands(Class<?>... commands) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : commands) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        return byName;
    }

    /** Version plus what the engine chose at start-up: kernels and threads. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GradcamCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "gradcam4j " + (v != null ? v : "(development build)"),
                "kernels: " + Kernels.active().name() + ", threads: " + Parallel.threads(),
                "java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            };
        }
    }
}
