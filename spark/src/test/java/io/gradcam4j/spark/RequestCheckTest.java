package io.gradcam4j.spark;

import io.gradcam4j.engine.errors.InvalidRequestException;
import io.gradcam4j.engine.kernels.Parallel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests refused before any image is explained, each with what is wrong: bad parameters and
 * columns on the driver, a model file that differs between driver and executor, bad job
 * arguments; and the engine's pool fitted to one task slot.
 */
class RequestCheckTest {

    private static Dataset<Row> someImages() {
        return GradCamTransformerTest.binaryFiles(LibraryReference.HELDOUT.resolve("circle")).limit(3);
    }

    @Test
    void badParametersAreRefusedOnTheDriverNamingWhatIsWrong() {
        Dataset<Row> images = someImages();
        InvalidRequestException layer = assertThrows(InvalidRequestException.class,
                () -> GradCamTransformerTest.demoTransformer().setLayer("no_such_layer").transform(images));
        assertTrue(layer.getMessage().contains("no_such_layer") && layer.getMessage().contains("relu4"),
                layer.getMessage());
        InvalidRequestException column = assertThrows(InvalidRequestException.class,
                () -> GradCamTransformerTest.demoTransformer().setInputCol("picture").transform(images));
        assertTrue(column.getMessage().contains("picture") && column.getMessage().contains("content"));
        InvalidRequestException type = assertThrows(InvalidRequestException.class,
                () -> GradCamTransformerTest.demoTransformer().setInputCol("path").transform(images));
        assertTrue(type.getMessage().contains("string"), type.getMessage());
        InvalidRequestException klass = assertThrows(InvalidRequestException.class,
                () -> GradCamTransformerTest.demoTransformer().setClasses("hexagon").transform(images));
        assertTrue(klass.getMessage().contains("hexagon"));
        assertThrows(InvalidRequestException.class,
                () -> GradCamTransformerTest.demoTransformer().setClasses("top:0").transform(images));
        assertThrows(InvalidRequestException.class,
                () -> GradCamTransformerTest.demoTransformer().setScoreKind("softmax").transform(images));
        assertTrue(assertThrows(InvalidRequestException.class,
                () -> GradCamTransformerTest.demoTransformer().setMethod("gradcam-9000").transform(images))
                .getMessage().contains("layercam"));
        assertThrows(IllegalArgumentException.class, () -> GradCamTransformerTest.demoTransformer().setBatchSize(0));
        InvalidRequestException app = assertThrows(InvalidRequestException.class,
                () -> new GradCamTransformer().setModelPath("mobilenet_0.25_128").transform(images));
        assertTrue(app.getMessage().contains("weights=none"), app.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> ModelSpec.resolve("/no/such/model.h5", null, null, null));
        assertTrue(missing.getMessage().contains("/no/such/model.h5"));
    }

    @Test
    void anExecutorRefusesAModelFileThatIsNotTheDriversOne(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("model.h5");
        Files.copy(LibraryReference.DEMO_DIR.resolve("shapes_clean.h5"), model);
        ModelSpec spec = ModelSpec.resolve(model.toString(), null, null, null);
        Files.copy(LibraryReference.DEMO_DIR.resolve("shapes_shortcut.h5"), model,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);   // another file at the same path
        IOException e = assertThrows(IOException.class, () -> ExecutorModels.get(spec));
        assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains(spec.sha256()), e.getMessage());
    }

    @Test
    void anExecutorFindsAModelShippedWithAddFileWhenItsPathIsGone(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("shipped-model.h5");
        Files.copy(LibraryReference.DEMO_DIR.resolve("shapes_clean.h5"), model);
        LocalSpark.get().sparkContext().addFile(model.toString());   // as spark-submit --files does
        LocalSpark.get().range(1).count();   // a task: the executor fetches the shipped files when one starts
        String driverPath = model.toString();
        Files.delete(model);   // now the executor cannot see the driver's path
        String found = LocalSpark.get().range(1).map(
                (org.apache.spark.api.java.function.MapFunction<Long, String>) i -> ModelFiles.locate(driverPath).toString(),
                org.apache.spark.sql.Encoders.STRING()).first();
        assertTrue(found.endsWith("shipped-model.h5") && !found.equals(driverPath), found);
        assertTrue(assertThrows(IOException.class, () -> ModelFiles.locate(dir.resolve("never-shipped.h5").toString()))
                .getMessage().contains("--files"));
    }

    @Test
    void theEnginePoolTakesOneTaskSlotsCores() {
        GradCamTransformerTest.demoTransformer().transform(someImages()).collectAsList();
        assertEquals(1, Parallel.threads(), "local[2] has two slots of one core: one engine thread per task");
    }

    @Test
    void auditArgumentsAreChecked() {
        assertTrue(assertThrows(InvalidRequestException.class, () -> AuditArguments.parse(new String[] {"--model", "m",
                "--out", "o"})).getMessage().contains("--images is required"));
        assertTrue(assertThrows(InvalidRequestException.class, () -> AuditArguments.parse(new String[] {"--model", "m",
                "--images", "i", "--out", "o", "--format", "csv"})).getMessage().contains("parquet or json"));
        assertTrue(assertThrows(InvalidRequestException.class, () -> AuditArguments.parse(new String[] {"--modle",
                "m"})).getMessage().contains("unknown option --modle"));
        assertThrows(InvalidRequestException.class, () -> AuditArguments.parse(new String[] {"--model", "m",
                "--images", "i", "--out", "o", "--batch-size", "-3"}));
        AuditArguments a = AuditArguments.parse(new String[] {"--model", "m", "--images", "i", "--out", "o",
                "--classes", "true"});
        assertTrue(a.trueClasses());
        assertEquals("parquet", a.format());
    }
}
