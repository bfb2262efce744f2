package io.gradcam4j.cli;

import io.gradcam4j.engine.kernels.KernelWarmUp;
import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gradcam} command: its subcommands do the work. */
@Command(name = "gradcam", mixinStandardHelpOptions = true,
        versionProvider = GradcamCommand.Version.class,
        description = "Explains Keras CNN predictions with Grad-CAM, in pure Java.",
        subcommands = {ExplainCommand.class, PredictCommand.class, LayersCommand.class, BenchCommand.class,
            SelfCheckCommand.class})
public final class GradcamCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        // Compiling the kernels starts before anything else: a command that loads a model stops it
        // once the model is read (ModelLoader); the thread is a daemon, so no command waits for it.
        KernelWarmUp.startInBackground();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: a failure prints one clear line (or, with
     * {@code --json}, a JSON object {@code {"error": ...}}) and exits non-zero, never a stack trace.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GradcamCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean json = parseResult.subcommand() != null && parseResult.subcommand().hasMatchedOption("--json");
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            if (json) {
                var node = Reports.JSON.createObjectNode();
                node.put("error", message);
                node.put("kind", e.getClass().getSimpleName());
                System.out.println(Reports.JSON.writeValueAsString(node));
            } else {
                System.err.println("error: " + message);
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
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
