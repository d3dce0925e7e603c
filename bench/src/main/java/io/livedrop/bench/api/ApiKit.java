package io.livedrop.bench.api;

import io.livedrop.bench.api.LoadGenerator.Outcome;
import io.livedrop.bench.api.LoadGenerator.Reply;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The API benchmark's building blocks (the app as a child process, its HTTP client, tokens, per-process CPU, the jar
 * description) for the other benchmarks, which live in their own packages: public wrappers over this package's
 * package-private classes, so that those stay as they are. Behaviour is theirs, unchanged.
 */
public final class ApiKit {

    /** The JWT secret the instances are started with. */
    public static final String SECRET = Tokens.SECRET;

    private ApiKit() {
    }

    /** {@link AppJar#describe}. */
    public static String describeJar(Path original, Path copy) {
        return AppJar.describe(original, copy);
    }

    /** {@link Http#field}. */
    public static String field(String json, String field) {
        return Http.field(json, field);
    }

    /** One livedrop instance in a child process ({@link AppInstance}). */
    public static final class App implements AutoCloseable {
        private final AppInstance instance;

        private App(AppInstance instance) {
            this.instance = instance;
        }

        public static App start(String name, Path jar, String bootstrap, Path home, Path logDir,
                                Map<String, String> streams, List<String> extraArgs) throws IOException {
            return new App(AppInstance.start(name, jar, bootstrap, home, logDir, streams, extraArgs));
        }

        public String peerUrl() {
            return instance.peerUrl();
        }

        public String url() {
            return instance.url();
        }

        public int port() {
            return instance.port;
        }

        public long pid() {
            return instance.pid();
        }

        public Path log() {
            return instance.log;
        }

        public List<String> command() {
            return List.copyOf(instance.command);
        }

        public String commandForReport() {
            return instance.commandForReport();
        }

        public void awaitReady(Client client, Duration timeout) {
            instance.awaitReady(client.http, timeout);
        }

        public boolean alive() {
            return instance.alive();
        }

        public String tail() {
            return instance.tail();
        }

        public void signalStop() {
            instance.signalStop();
        }

        /** SIGKILL and wait until the process is gone (a crash: no shutdown hook, no leaving the group). */
        public void kill() {
            instance.kill();
        }

        @Override
        public void close() {
            instance.close();
        }
    }

    /** The benchmark's HTTP client ({@link Http}). */
    public static final class Client {
        final Http http = new Http();

        public static HttpRequest graphQl(String baseUrl, String body, String token) {
            return Http.graphQl(baseUrl, body, token);
        }

        public CompletableFuture<Reply> send(HttpRequest request, Function<String, Outcome> classify) {
            return http.send(request, classify);
        }

        public String call(String baseUrl, String body, String token) {
            return http.call(baseUrl, body, token);
        }

        public HttpResponse<String> get(String url) {
            return http.get(url);
        }
    }

    /** Bearer tokens ({@link Tokens}) signed with {@link #SECRET}. */
    public static final class TokenMinter {
        private final Tokens tokens = new Tokens(SECRET);

        public String mint(String user, List<String> roles, Duration ttl, Instant now) {
            return tokens.mint(user, roles, ttl, now);
        }

        /** A validly signed token of arbitrary claims (a JSON object). */
        public String sign(String claimsJson) {
            return tokens.sign(claimsJson);
        }
    }

    /** CPU of named processes ({@link ProcCpu}). */
    public static final class Cpu {
        private final ProcCpu snapshot;

        private Cpu(ProcCpu snapshot) {
            this.snapshot = snapshot;
        }

        public static Cpu snapshot(Map<String, Long> pids) {
            return new Cpu(ProcCpu.snapshot(pids));
        }

        /** Cores each process used since {@code earlier}, and the machine's ("machine"). */
        public Map<String, Double> since(Cpu earlier) {
            return snapshot.since(earlier.snapshot);
        }

        public static String format(Map<String, Double> cores) {
            return ProcCpu.format(cores);
        }
    }
}
