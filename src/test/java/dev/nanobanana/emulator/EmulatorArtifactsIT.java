package dev.nanobanana.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the emulator ships: not in the library jar an application depends on, but in a jar of its own (classifier
 * {@code emulator}, for an application's tests) and in the fat jar, which runs it.
 */
class EmulatorArtifactsIT {

    static final String EMULATOR = "dev/nanobanana/emulator/";
    static final Path TARGET = Path.of(System.getProperty("app.jar", "target/nano-banana-camel-app.jar"))
            .toAbsolutePath().getParent();
    static final Path APP_JAR = TARGET.resolve("nano-banana-camel-app.jar");

    @TempDir
    Path folder;

    @Test
    void anApplicationDependingOnTheLibraryGetsNoEmulator() throws IOException {
        List<String> entries = entries(libraryJar());

        assertThat(entries).as("the library jar").noneMatch(name -> name.startsWith(EMULATOR))
                .contains("dev/nanobanana/camel/runpod/EditEndpoint.class");
        // the runtime names the emulator in one class, loaded only when asked to run the emulator
        assertThat(classesNamingTheEmulator(libraryJar()))
                .containsExactly("dev/nanobanana/camel/app/BuiltInEmulator.class");
    }

    @Test
    void theEmulatorJarHoldsTheWholeEmulatorAndNothingElse() throws IOException {
        List<String> classes = entries(emulatorJar()).stream().filter(name -> !name.endsWith("/")).toList();
        List<String> compiled;
        try (Stream<Path> files = Files.walk(TARGET.resolve("classes").resolve(EMULATOR))) {
            compiled = files.filter(Files::isRegularFile)
                    .map(file -> TARGET.resolve("classes").relativize(file).toString().replace(File.separatorChar, '/'))
                    .toList();
        }

        assertThat(compiled).contains(EMULATOR + "RunpodEmulator.class", EMULATOR + "emulator-logback.xml");
        assertThat(classes).filteredOn(name -> !name.startsWith("META-INF/")).containsExactlyInAnyOrderElementsOf(compiled);
    }

    @Test
    void theFatJarHoldsTheLibraryAndTheEmulator() throws IOException {
        List<String> fat = entries(APP_JAR);

        assertThat(fat).containsAll(entries(emulatorJar()).stream().filter(name -> name.startsWith(EMULATOR)).toList())
                .containsAll(entries(libraryJar()).stream().filter(name -> name.startsWith("dev/")).toList());
    }

    @Test
    void withoutTheEmulatorJarTheRuntimeSaysWhereTheEmulatorIs() throws Exception {
        Path config = Files.createDirectories(folder.resolve("config"));
        Files.copy(Path.of("config", "application.properties"), config.resolve("application.properties"));
        Files.copy(Path.of("config", "logback.xml"), config.resolve("logback.xml"));

        Run alone = runtimeWithoutTheEmulator("--emulator");
        Run enabled = runtimeWithoutTheEmulator("-Dnanobanana.emulator.enabled=true");

        assertThat(alone.exitCode()).as(alone.output()).isEqualTo(2);
        assertThat(alone.output()).contains("The built-in RunPod emulator is not on the classpath: it comes in "
                + "nano-banana-camel-app.jar, or as the artifact dev.nanobanana:nano-banana-camel with the classifier "
                + "emulator").doesNotContain("NoClassDefFoundError");
        assertThat(enabled.exitCode()).as(enabled.output()).isEqualTo(2);
        assertThat(enabled.output()).contains("The built-in RunPod emulator is not on the classpath",
                "or set nanobanana.emulator.enabled=false").doesNotContain("NoClassDefFoundError");
    }

    /** The library jar: {@code nano-banana-camel-<version>.jar}, what {@code mvn install} installs. */
    static Path libraryJar() throws IOException {
        return built(name -> !name.endsWith("-emulator.jar"));
    }

    static Path emulatorJar() throws IOException {
        return built(name -> name.endsWith("-emulator.jar"));
    }

    private static Path built(Predicate<String> which) throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            return files.filter(file -> file.getFileName().toString().matches("nano-banana-camel-\\d.*\\.jar"))
                    .filter(file -> which.test(file.getFileName().toString()))
                    .findFirst().orElseThrow(() -> new AssertionError("not built in " + TARGET));
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
        }
    }

    /** The classes whose constant pool names a class of the emulator. */
    private static List<String> classesNamingTheEmulator(Path jar) throws IOException {
        List<String> naming = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(EMULATOR)) {
                            naming.add(entry.getName());
                        }
                    }
                }
            }
        }
        return naming;
    }

    record Run(int exitCode, String output) {
    }

    /** The runtime from the library jar and its dependencies, as an application would have it, in its own folder. */
    private Run runtimeWithoutTheEmulator(String argument) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("-emulator.jar") && !entry.contains("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).contains(libraryJar().getFileName().toString());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dcamel.management.enabled=false"));
        if (argument.startsWith("-D")) {
            command.add(argument);
        }
        command.addAll(List.of("-cp", classpath, "dev.nanobanana.camel.app.NanoBananaMain"));
        if (!argument.startsWith("-D")) {
            command.add(argument);
        }
        Path log = folder.resolve("run.log");
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(ended).as("the runtime ended within 60 s: %s", Files.readString(log)).isTrue();
        return new Run(process.exitValue(), Files.readString(log));
    }
}
