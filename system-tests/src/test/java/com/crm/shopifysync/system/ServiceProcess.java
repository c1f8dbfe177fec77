package com.crm.shopifysync.system;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** One of the project's services, packaged by the build, running as its own process as it does in production. */
final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final int port;
    private final Process process;

    private ServiceProcess(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    static ServiceProcess start(String module, int port, Map<String, String> environment) throws Exception {
        ServiceProcess service = launch(module, port, environment);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(service::isReady);
        return service;
    }

    /** Starts the service without waiting for it to be ready (it may not be: its database may be down). */
    static ServiceProcess launch(String module, int port, Map<String, String> environment) throws Exception {
        Path root = Path.of(System.getProperty("repository.root", "..")).toAbsolutePath().normalize();
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw verify does)");
        }
        Files.createDirectories(Path.of("target"));
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx" + environment.getOrDefault("JAVA_MAX_HEAP", "384m"), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/" + module + "-" + port + ".log")));
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return new ServiceProcess(module, port, builder.start());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    boolean isReady() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see target/" + name + "-" + port + ".log");
        }
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** SIGTERM, as Kubernetes sends it, without waiting for the process to end. */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGSTOP: the process stands still where it is (a long GC pause, a frozen node) until {@link #thaw()}. */
    void freeze() throws Exception {
        signal("STOP");
    }

    /** SIGCONT: a frozen process goes on. */
    void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: the process dies where it is, as in a node crash or an OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
