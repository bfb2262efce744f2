package io.gradcam4j.web;

import io.gradcam4j.cli.Failure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code gradcam serve}: the local web page and its JSON API. Started by {@code ./gradcam.sh serve}
 * from this module's own jar, so that the command-line jar does not carry a web server.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serves a local web page (and JSON API) to explain images with the listed models, offline.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only). Any other exposes the page "
                    + "and the models to the network: a warning is printed.")
    String host;

    @Option(names = "--models", paramLabel = "DIR",
            description = "A folder of .h5 and .keras files to offer beside the demo models and the cached applications.")
    Path models;

    @Option(names = "--audits", paramLabel = "DIR",
            description = "A gradcam audit output folder (or a folder of them) to show, galleries linked to explanations.")
    Path audits;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Folder of downloaded weights (default: $GRADCAM4J_CACHE or ~/.gradcam4j/models).")
    Path cache;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "8",
            description = "Explanations that may wait for the model thread; more are refused with 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-upload-mb", paramLabel = "MB", defaultValue = "20",
            description = "Largest image upload in MB (default: ${DEFAULT-VALUE}).")
    int maxUploadMb;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new ServeCommand());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            System.err.println("error: " + Failure.of(e).message());
            return Failure.of(e).exitCode();
        });
        int code = cl.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (queue < 1 || queue > 1000) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--queue must be in 1..1000, got " + queue);
        }
        if (maxUploadMb < 1 || maxUploadMb > 1024) {
            throw new io.gradcam4j.engine.errors.InvalidRequestException("--max-upload-mb must be in 1..1024, got " + maxUploadMb);
        }
        ModelCatalog catalog = ModelCatalog.scan(models, cache);
        AuditFolders auditFolders = AuditFolders.scan(audits);
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            System.err.println("WARNING: serving on " + host + ": anyone who can reach this address can use the page, "
                    + "the models listed and this machine's CPU; the page has no login. Use --host 127.0.0.1 to keep it local.");
        }
        WebServer server = new WebServer(catalog, auditFolders, host, port, queue, (long) maxUploadMb << 20);
        String shown = host.contains(":") ? "[" + host + "]" : host;
        System.out.println("gradcam serve: http://" + shown + ":" + server.port() + "/  (models: "
                + String.join(", ", catalog.ids()) + "; Ctrl-C stops)");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();   // serves until the JVM is stopped
        return 0;
    }
}
