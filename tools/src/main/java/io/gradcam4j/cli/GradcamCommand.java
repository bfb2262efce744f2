package io.gradcam4j.cli;

import io.gradcam4j.engine.kernels.Kernels;
import io.gradcam4j.engine.kernels.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gradcam} command: its subcommands do the work. */
@Command(name = "gradcam", mixinStandardHelpOptions = true,
        versionProvider = GradcamCommand.Version.class,
        description = "Explains Keras CNN predictions with Grad-CAM, in pure Java.",
        subcommands = {SelfCheckCommand.class})
public final class GradcamCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new GradcamCommand()).execute(args));
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
