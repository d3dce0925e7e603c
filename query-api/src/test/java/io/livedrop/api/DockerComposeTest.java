package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.livedrop.topology.config.LivedropConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks docker-compose.yml (the production-shaped stack) as far as a machine without a Docker
 * engine can: pinned images (also in the Dockerfiles it builds), a health check on every
 * long-running service, depends_on naming existing services and waiting for them to be healthy,
 * declared named volumes, at least two livedrop instances, and above all that every
 * {@code LIVEDROP_*} environment variable and every {@code --livedrop.*} argument of the livedrop
 * services binds to a real setting of the application, by Spring Boot's own relaxed binding
 * (the {@code @ConfigurationProperties} classes of io.livedrop.api, bound with {@link Binder}
 * from a {@link SystemEnvironmentPropertySource} and a command-line property source, as the
 * application binds them) and, for {@code livedrop.topology.*}, {@link LivedropConfig}'s names.
 * Failures name the file and line.
 */
class DockerComposeTest {

    private static final String COMPOSE_FILE = "docker-compose.yml";
    private static final String LIVEDROP_DOCKERFILE = "docker/livedrop/Dockerfile";
    /** The edge role's WebSocket port in its container (application-edge.yaml). */
    private static final String EDGE_ROLE_PORT = "8091";
    /** Services that run once and exit: no health check, nothing waits for them to be healthy. */
    private static final Set<String> ONE_SHOT = Set.of("connect-register");
    /** The connector configurations the registrar must post (written in the connectors module). */
    private static final List<String> CONNECTOR_FILES = List.of("connectors/catalog-source.json", "connectors/facts-sink.json");
    /** ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    private static Path root;
    private static List<String> lines;
    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve(COMPOSE_FILE))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("no %s in the working directory or above it", COMPOSE_FILE).isNotNull();
        root = dir;
        String text = Files.readString(root.resolve(COMPOSE_FILE));
        lines = text.lines().toList();
        compose = new Yaml().load(text); // SnakeYAML resolves anchors and << merge keys as compose does
        services = new LinkedHashMap<>();
        map(compose.get("services"), "services").forEach((name, service) -> services.put(name, map(service, "services." + name)));
        assertThat(services).as("%s has no services", COMPOSE_FILE).isNotEmpty();
    }

    @Test
    void everyImageIsPinned() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            Object image = service.get("image");
            if (image == null) {
                if (!service.containsKey("build")) {
                    problems.add(at("image:", name) + "service " + name + " has neither image nor build");
                }
                return;
            }
            String why = unpinned(String.valueOf(image));
            if (why != null) {
                problems.add(at(String.valueOf(image)) + "service " + name + ": image " + image + " " + why);
            }
        });
        for (Path dockerfile : dockerfiles()) {
            List<String> content = read(dockerfile);
            Set<String> stages = new LinkedHashSet<>();
            for (int i = 0; i < content.size(); i++) {
                Matcher from = Pattern.compile("(?i)^\\s*FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?").matcher(content.get(i));
                if (from.find()) {
                    String image = from.group(1);
                    String why = stages.contains(image) ? null : unpinned(image);
                    if (why != null) {
                        problems.add(root.relativize(dockerfile) + ":" + (i + 1) + ": FROM " + image + " " + why);
                    }
                    if (from.group(2) != null) {
                        stages.add(from.group(2));
                    }
                }
            }
        }
        assertThat(problems).as("unpinned images").isEmpty();
    }

    @Test
    void everyLongRunningServiceHasAHealthCheck() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            if (ONE_SHOT.contains(name)) {
                assertThat(service.get("restart")).as(at("restart", name) + "one-shot service " + name + " must not restart")
                        .isIn("no", false, null);
                return;
            }
            Object check = service.get("healthcheck");
            if (!(check instanceof Map<?, ?> hc) || Boolean.TRUE.equals(hc.get("disable")) || hc.get("test") == null) {
                problems.add(at(name + ":") + "service " + name + " has no health check");
            }
        });
        assertThat(problems).as("services without a health check").isEmpty();
    }

    @Test
    void dependsOnNamesExistingServicesAndWaitsForThemToBeHealthy() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            Object dependsOn = service.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            if (!(dependsOn instanceof Map<?, ?> deps)) {
                problems.add(at("depends_on", name) + "service " + name + ": depends_on must be the long form with a condition");
                return;
            }
            deps.forEach((dep, spec) -> {
                if (!services.containsKey(String.valueOf(dep))) {
                    problems.add(at(dep + ":", name) + "service " + name + " depends on " + dep + ", which is no service");
                    return;
                }
                Object condition = spec instanceof Map<?, ?> s ? s.get("condition") : null;
                String wanted = ONE_SHOT.contains(String.valueOf(dep)) ? "service_completed_successfully" : "service_healthy";
                if (!wanted.equals(condition)) {
                    problems.add(at(dep + ":", name) + "service " + name + " depends on " + dep + " with condition " + condition
                            + ", expected " + wanted);
                }
            });
        });
        assertThat(problems).as("depends_on").isEmpty();
    }

    @Test
    void volumesAreDeclaredAndBindMountsExist() {
        Set<String> declared = compose.get("volumes") == null ? Set.of() : map(compose.get("volumes"), "volumes").keySet();
        Set<String> used = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            for (Mount mount : mounts(name, service)) {
                if (mount.bind()) {
                    Path host = root.resolve(mount.source()).normalize();
                    // connectors/ (connector JSON and SQL) is being written in parallel: its form only
                    if (!Files.exists(host) && !root.relativize(host).startsWith("connectors")) {
                        problems.add(at(mount.source(), name) + "service " + name + " mounts " + mount.source() + ", which does not exist");
                    }
                } else {
                    used.add(mount.source());
                    if (!declared.contains(mount.source())) {
                        problems.add(at(mount.source(), name) + "service " + name + " uses volume " + mount.source()
                                + ", not declared under the top-level volumes:");
                    }
                }
            }
        });
        for (String volume : declared) {
            if (!used.contains(volume)) {
                problems.add(at(volume + ":") + "volume " + volume + " is declared but no service uses it");
            }
        }
        assertThat(problems).as("volumes").isEmpty();
    }

    @Test
    void buildsReferenceExistingDockerfiles() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            Object build = service.get("build");
            if (build == null) {
                return;
            }
            Path dockerfile = dockerfile(name, build);
            if (!Files.isRegularFile(dockerfile)) {
                problems.add(at("dockerfile", name) + "service " + name + " builds from " + root.relativize(dockerfile) + ", which does not exist");
            }
        });
        assertThat(problems).as("build:").isEmpty();
    }

    @Test
    void atLeastTwoLivedropInstancesWithTheirOwnNameAndState() {
        Map<String, Map<String, Object>> livedrops = apiServices();
        assertThat(livedrops.keySet()).as("%s: services built from %s", COMPOSE_FILE, LIVEDROP_DOCKERFILE).hasSizeGreaterThanOrEqualTo(2);
        Set<String> stateVolumes = new LinkedHashSet<>();
        int brokers = (int) services.keySet().stream().filter(s -> s.matches("kafka-\\d+")).count();
        livedrops.forEach((name, service) -> {
            Map<String, String> env = environment(name, service);
            assertThat(env.get("LIVEDROP_ADVERTISED_HOST"))
                    .as(at("LIVEDROP_ADVERTISED_HOST", name) + "service %s: LIVEDROP_ADVERTISED_HOST must be its service name "
                            + "(the other instances route interactive queries to it)", name)
                    .isEqualTo(name);
            String bootstrap = env.get("LIVEDROP_KAFKA_BOOTSTRAP_SERVERS");
            assertThat(bootstrap).as(at(name + ":") + "service %s has no LIVEDROP_KAFKA_BOOTSTRAP_SERVERS", name).isNotBlank();
            for (String server : bootstrap.split(",")) {
                assertThat(services).as(at("LIVEDROP_KAFKA_BOOTSTRAP_SERVERS", name) + "service %s: bootstrap server %s is no service",
                        name, server).containsKey(server.trim().split(":")[0]);
            }
            assertThat(env.containsKey("LIVEDROP_SECURITY_JWT_SECRET") || env.containsKey("LIVEDROP_SECURITY_JWKS_URI"))
                    .as(at(name + ":") + "service %s sets neither LIVEDROP_SECURITY_JWT_SECRET nor LIVEDROP_SECURITY_JWKS_URI", name)
                    .isTrue();
            String home = env.get("LIVEDROP_HOME");
            assertThat(home).as(at(name + ":") + "service %s: LIVEDROP_HOME must point at its state volume", name).isNotBlank();
            Mount state = mounts(name, service).stream().filter(m -> !m.bind() && m.target().equals(home)).findFirst().orElse(null);
            assertThat(state).as(at(name + ":") + "service %s: no named volume mounted on LIVEDROP_HOME (%s)", name, home).isNotNull();
            assertThat(stateVolumes.add(state.source()))
                    .as(at(state.source(), name) + "service %s shares its state volume %s with another instance", name, state.source())
                    .isTrue();
            Object check = ((Map<?, ?>) service.get("healthcheck")).get("test");
            assertThat(String.valueOf(check)).as(at("healthcheck", name) + "service %s: the health check must ask readiness", name)
                    .contains("/actuator/health/readiness");
            // the page asks GET /app/edge where its socket is: the URL must reach this instance's edge port or an edge role's
            String edgeUrl = env.get("LIVEDROP_EDGE_PUBLIC_URL");
            assertThat(edgeUrl).as(at(name + ":") + "service %s: no LIVEDROP_EDGE_PUBLIC_URL (the page would open the"
                    + " socket on the port of its own page)", name).isNotBlank();
            String own = URI.create(edgeUrl).getPort() + ":" + env.getOrDefault("LIVEDROP_EDGE_PORT", "8081");
            String edgeRole = URI.create(edgeUrl).getPort() + ":" + EDGE_ROLE_PORT;
            boolean reachesAnEdge = String.valueOf(service.get("ports")).contains(own) || edgeServices().values().stream()
                    .anyMatch(edge -> String.valueOf(edge.get("ports")).contains(edgeRole));
            assertThat(reachesAnEdge).as(at("LIVEDROP_EDGE_PUBLIC_URL", name) + "service %s: its edge URL %s is published "
                    + "neither by itself (%s) nor by an edge-role service (%s)", name, edgeUrl, own, edgeRole).isTrue();
            Bound bound = bind(name, service);
            String factor = bound.topology().getOrDefault(LivedropConfig.REPLICATION_FACTOR, "1");
            assertThat(Integer.parseInt(factor))
                    .as(at(LivedropConfig.REPLICATION_FACTOR, name) + "service %s: topics.replication.factor %s with %d brokers",
                            name, factor, brokers)
                    .isBetween(1, Math.max(1, brokers));
            if (brokers >= 3) {
                assertThat(factor).as(at(name + ":") + "service %s: %d brokers, so topics.replication.factor should be 3", name, brokers)
                        .isEqualTo("3");
            }
        });
    }

    @Test
    void edgeRoleServicesReachTheApiInstancesAndHoldNoState() {
        Map<String, Map<String, Object>> edges = edgeServices();
        assertThat(edges).as("%s: services running `livedrop.jar edge` (ADR 0012)", COMPOSE_FILE).isNotEmpty();
        Set<String> apis = apiServices().keySet();
        edges.forEach((name, service) -> {
            Map<String, String> env = environment(name, service);
            String peers = env.get("LIVEDROP_EDGE_API_PEERS");
            assertThat(peers).as(at(name + ":") + "service %s: no LIVEDROP_EDGE_API_PEERS", name).isNotBlank();
            for (String peer : peers.split(",")) {
                String[] hostPort = peer.trim().split(":");
                assertThat(apis).as(at("LIVEDROP_EDGE_API_PEERS", name) + "service %s: %s is no livedrop instance", name, peer)
                        .contains(hostPort[0]);
                String peerPort = environment(hostPort[0], services.get(hostPort[0])).get("LIVEDROP_HTTP_PEER_PORT");
                assertThat(hostPort[1]).as(at("LIVEDROP_EDGE_API_PEERS", name) + "service %s: %s is not %s's peer port %s",
                        name, peer, hostPort[0], peerPort).isEqualTo(peerPort);
            }
            URI upstream = URI.create(env.getOrDefault("LIVEDROP_EDGE_UPSTREAM", ""));
            assertThat(apis).as(at("LIVEDROP_EDGE_UPSTREAM", name) + "service %s: upstream %s is no livedrop instance", name,
                    upstream).contains(upstream.getHost());
            assertThat(upstream.getPort()).as(at("LIVEDROP_EDGE_UPSTREAM", name) + "service %s: upstream %s is not an "
                    + "instance's edge port", name, upstream).isEqualTo(8081);
            assertThat(mounts(name, service)).as(at(name + ":") + "service %s: the edge role keeps no state", name).isEmpty();
            assertThat(String.valueOf(((Map<?, ?>) service.get("healthcheck")).get("test")))
                    .as(at("healthcheck", name) + "service %s: the health check must ask readiness on the role's port", name)
                    .contains("localhost:8090/actuator/health/readiness");
        });
    }

    /**
     * The important one: a misspelt variable (LIVEDROP_ADVERTISEDHOST_NAME, LIVEDROP_JWT_SECRET) is
     * silently ignored by Spring and the instance starts with a default; here it fails the build.
     */
    @Test
    void everyLivedropSettingBindsToARealSettingOfTheApplication() {
        List<String> problems = new ArrayList<>();
        livedropServices().forEach((name, service) -> {
            Bound bound = bind(name, service);
            for (String variable : environment(name, service).keySet()) {
                if (variable.startsWith("LIVEDROP_") && !bound.usedEnvironment().contains(variable)) {
                    String relaxed = variable.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                    String shadowing = bound.usedArguments().stream()
                            .filter(a -> a.replace("-", "").equals(relaxed.replace("-", ""))).findFirst().orElse(null);
                    problems.add(at(variable, name) + "service " + name + ": environment variable " + variable
                            + (shadowing != null
                                    ? " is overridden by the command-line argument --" + shadowing + " (the argument wins); keep one"
                                    : " binds to no livedrop setting (relaxed binding onto " + bound.prefixes() + ")"));
                }
            }
            for (String argument : bound.livedropArguments().keySet()) {
                if (!bound.usedArguments().contains(argument)) {
                    problems.add(at("--" + argument) + "service " + name + ": argument --" + argument + " binds to no livedrop setting");
                }
            }
            Set<String> known = LivedropConfig.definition().names();
            bound.topology().forEach((key, value) -> {
                // apicurio.* passes through to the registry serdes (TopologySerdes.from)
                if (!known.contains(key) && !key.startsWith("apicurio.")) {
                    problems.add(at(key, name) + "service " + name + ": livedrop.topology." + key + " is no LivedropConfig setting; known: "
                            + new TreeSet<>(known));
                }
            });
            try {
                new LivedropConfig(bound.topology());
            } catch (RuntimeException e) {
                problems.add(at("livedrop.topology", name) + "service " + name + ": topology settings rejected: " + e.getMessage());
            }
            Set<String> streamsNames = StreamsConfig.configDef().names();
            bound.streams().keySet().forEach(key -> {
                String bare = key.replaceFirst("^(main\\.consumer|restore\\.consumer|global\\.consumer|consumer|producer|admin|topic)\\.", "");
                if (!streamsNames.contains(key) && bare.equals(key)) {
                    problems.add(at(key, name) + "service " + name + ": livedrop.streams." + key + " is no Kafka Streams setting");
                }
            });
            if (bound.jwtSecret() != null && bound.jwtSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                problems.add(at("LIVEDROP_SECURITY_JWT_SECRET", name) + "service " + name + ": the JWT secret is shorter than 32 bytes");
            }
        });
        assertThat(problems).as("livedrop settings that bind to nothing").isEmpty();
    }

    @Test
    void theRegistrarPostsTheConnectorFilesOnceConnectIsHealthy() {
        assertThat(ONE_SHOT).allSatisfy(name -> assertThat(services).as("%s: no one-shot service %s", COMPOSE_FILE, name).containsKey(name));
        String name = "connect-register";
        Map<String, Object> registrar = services.get(name);
        assertThat(map(registrar.get("depends_on"), name + ".depends_on")).as(at("depends_on", name) + "the registrar must wait for connect")
                .containsKey("connect");
        List<Mount> mounts = mounts(name, registrar);
        List<String> posted = new ArrayList<>();
        for (String argument : strings(registrar.get("command"))) {
            if (!argument.endsWith(".json")) {
                continue;
            }
            Mount mount = mounts.stream().filter(m -> m.bind() && (argument + "/").startsWith(m.target() + "/")).findFirst().orElse(null);
            assertThat(mount).as(at(argument, name) + "%s: %s is in no bind mount", name, argument).isNotNull();
            Path host = root.resolve(mount.source()).resolve(argument.substring(mount.target().length()).replaceFirst("^/", "")).normalize();
            String relative = root.relativize(host).toString().replace('\\', '/');
            assertThat(relative).as(at(argument, name) + "%s posts %s, which is not a connector file under connectors/", name, relative)
                    .matches("connectors/[a-z0-9-]+\\.json");
            posted.add(relative);
            // connectors/*.json are written in parallel with this file: when one is there, it must be
            // what Connect's POST /connectors takes; when not yet, only the path's form is checked.
            if (Files.isRegularFile(host)) {
                Map<String, Object> connector = map(new Yaml().load(String.join("\n", read(host))), relative);
                assertThat(connector).as("%s: POST /connectors takes {name, config}", relative).containsKeys("name", "config");
            }
        }
        assertThat(posted).as(at("command", name) + "the connectors %s posts", name).containsAll(CONNECTOR_FILES);
        Object entrypoint = registrar.get("entrypoint");
        for (String part : strings(entrypoint)) {
            if (part.endsWith(".sh")) {
                Mount script = mounts.stream().filter(m -> m.bind() && m.target().equals(part)).findFirst().orElse(null);
                assertThat(script).as(at(part, name) + "%s runs %s, which is not mounted", name, part).isNotNull();
                assertThat(root.resolve(script.source()).normalize()).as(at(part, name) + "the registrar script").isRegularFile();
            }
        }
    }

    // --- binding -------------------------------------------------------------------------------

    private record Bound(Set<String> usedEnvironment, Set<String> usedArguments, Map<String, String> livedropArguments,
                         Map<String, String> topology, Map<String, String> streams, String jwtSecret, List<String> prefixes) {
    }

    /**
     * Binds the service's environment and command-line arguments as the application would: the
     * environment as Spring's system-environment source (relaxed names), the arguments as its
     * command-line source, onto every {@code @ConfigurationProperties} class of the application,
     * and records which variables and arguments were read.
     */
    private static Bound bind(String service, Map<String, Object> definition) {
        Map<String, Object> env = new LinkedHashMap<>(environment(service, definition));
        List<String> args = strings(definition.get("command"));
        Map<String, String> livedropArguments = new LinkedHashMap<>();
        for (String arg : args) {
            if (arg.startsWith("--livedrop.")) {
                int eq = arg.indexOf('=');
                assertThat(eq).as(at(arg, service) + "argument %s has no =value", arg).isPositive();
                livedropArguments.put(arg.substring(2, eq), arg.substring(eq + 1));
            }
        }
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new SimpleCommandLinePropertySource(args.toArray(String[]::new)));
        sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));

        Set<String> usedEnvironment = new LinkedHashSet<>();
        Set<String> usedArguments = new LinkedHashSet<>();
        AbstractBindHandler recorder = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
                ConfigurationProperty property = context.getConfigurationProperty();
                if (property != null) {
                    Origin origin = property.getOrigin();
                    String used = origin instanceof PropertySourceOrigin p ? p.getPropertyName() : String.valueOf(property.getName());
                    (used.startsWith("LIVEDROP_") ? usedEnvironment : usedArguments).add(used);
                }
                return super.onSuccess(name, target, context, result);
            }
        };
        Map<String, String> topology = Map.of();
        Map<String, String> streams = Map.of();
        String jwtSecret = null;
        List<String> prefixes = new ArrayList<>();
        for (Class<?> type : configurationPropertiesClasses()) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            if (prefix.isEmpty()) {
                prefix = type.getAnnotation(ConfigurationProperties.class).prefix();
            }
            prefixes.add(prefix + " (" + type.getSimpleName() + ")");
            Object bound;
            try {
                bound = binder.bindOrCreate(prefix, Bindable.of(type), recorder);
            } catch (RuntimeException e) {
                throw new AssertionError(COMPOSE_FILE + ": service " + service + ": cannot bind " + prefix + ": " + rootCause(e), e);
            }
            if (bound instanceof io.livedrop.api.config.LivedropProperties p) {
                topology = p.topology();
                streams = p.streams();
            }
            if (bound instanceof io.livedrop.api.security.SecurityProperties s) {
                jwtSecret = s.jwtSecret();
            }
        }
        return new Bound(usedEnvironment, usedArguments, livedropArguments, topology, streams, jwtSecret, prefixes);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return e.getMessage() + (t == e ? "" : " (" + t.getMessage() + ")");
    }

    private static List<Class<?>> configurationPropertiesClasses() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<Class<?>> types = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.livedrop")) {
            try {
                types.add(Class.forName(candidate.getBeanClassName()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(types).as("@ConfigurationProperties classes of the application")
                .contains(io.livedrop.api.config.LivedropProperties.class, io.livedrop.api.security.SecurityProperties.class,
                        io.livedrop.api.order.OrderProperties.class);
        return types;
    }

    // --- the compose model ---------------------------------------------------------------------

    /** The livedrop services that run the API (with the ledger). */
    private static Map<String, Map<String, Object>> apiServices() {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>(livedropServices());
        result.keySet().removeAll(edgeServices().keySet());
        return result;
    }

    /** The livedrop services that run the edge role ({@code livedrop.jar edge}). */
    private static Map<String, Map<String, Object>> edgeServices() {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        livedropServices().forEach((name, service) -> {
            List<String> command = strings(service.get("command"));
            if (!command.isEmpty() && command.get(0).equals("edge")) {
                result.put(name, service);
            }
        });
        return result;
    }

    private static Map<String, Map<String, Object>> livedropServices() {
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            Object build = service.get("build");
            if (build != null && root.relativize(dockerfile(name, build)).toString().replace('\\', '/').equals(LIVEDROP_DOCKERFILE)) {
                result.put(name, service);
            }
        });
        return result;
    }

    /** The service's environment, list or map form, with compose's ${...} defaults filled in. */
    private static Map<String, String> environment(String service, Map<String, Object> definition) {
        Object env = definition.get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> result.put(String.valueOf(k), v == null ? "" : interpolate(service, String.valueOf(v))));
        } else if (env instanceof List<?> l) {
            for (Object entry : l) {
                String s = String.valueOf(entry);
                int eq = s.indexOf('=');
                result.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : interpolate(service, s.substring(eq + 1)));
            }
        }
        return result;
    }

    private static String interpolate(String service, String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String operator = m.group(2);
            assertThat(operator).as(at(m.group(), service) + "service %s: %s has no default; give one (${NAME:-default}) so "
                    + "that `docker compose up` works as documented", service, m.group()).isIn(":-", "-");
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(3)));
        }
        m.appendTail(out);
        return out.toString().replace("$$", "$");
    }

    private record Mount(String source, String target, boolean bind) {
    }

    private static List<Mount> mounts(String service, Map<String, Object> definition) {
        List<Mount> result = new ArrayList<>();
        Object volumes = definition.get("volumes");
        if (volumes == null) {
            return result;
        }
        assertThat(volumes).as(at("volumes:", service) + "service %s: volumes must be a list", service).isInstanceOf(List.class);
        for (Object entry : (List<?>) volumes) {
            String source;
            String target;
            if (entry instanceof Map<?, ?> m) {
                source = String.valueOf(m.get("source"));
                target = String.valueOf(m.get("target"));
            } else {
                String[] parts = String.valueOf(entry).split(":");
                assertThat(parts.length).as(at(String.valueOf(entry), service) + "service %s: volume %s is not source:target[:mode]",
                        service, entry).isBetween(2, 3);
                source = parts[0];
                target = parts[1];
            }
            boolean bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
            result.add(new Mount(source, target, bind));
        }
        return result;
    }

    private static Path dockerfile(String service, Object build) {
        if (build instanceof Map<?, ?> b) {
            Path context = root.resolve(String.valueOf(b.get("context") == null ? "." : b.get("context")));
            return context.resolve(String.valueOf(b.get("dockerfile") == null ? "Dockerfile" : b.get("dockerfile"))).normalize();
        }
        return root.resolve(String.valueOf(build)).resolve("Dockerfile").normalize();
    }

    private static List<Path> dockerfiles() {
        List<Path> result = new ArrayList<>();
        services.forEach((name, service) -> {
            if (service.get("build") != null) {
                Path dockerfile = dockerfile(name, service.get("build"));
                if (Files.isRegularFile(dockerfile) && !result.contains(dockerfile)) {
                    result.add(dockerfile);
                }
            }
        });
        return result;
    }

    /** Null when pinned; otherwise why not. */
    private static String unpinned(String image) {
        if (image.contains("${")) {
            return "is interpolated: pin it in the file";
        }
        if (image.contains("@sha256:")) {
            return null;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.indexOf(':', slash + 1);
        if (colon < 0) {
            return "has no tag (that is `latest`)";
        }
        String tag = image.substring(colon + 1);
        if (tag.isBlank() || tag.equalsIgnoreCase("latest") || tag.startsWith("latest-")) {
            return "is not pinned (tag " + tag + ")";
        }
        return null;
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return l.stream().map(String::valueOf).collect(Collectors.toList());
        }
        return List.of(String.valueOf(value).trim().split("\\s+"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        assertThat(value).as("%s: %s must be a mapping", COMPOSE_FILE, where).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "docker-compose.yml:LINE: " for the first line holding needle (inside the service's block when given). */
    private static String at(String needle, String service) {
        int start = 0;
        int end = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("  " + Pattern.quote(service) + ":\\s*(#.*)?")) {
                start = i;
                end = i + 1;
                while (end < lines.size() && (lines.get(end).isBlank() || lines.get(end).startsWith("   ") || lines.get(end).startsWith("  #"))) {
                    end++;
                }
                break;
            }
        }
        for (int i = start; i < end; i++) {
            if (lines.get(i).contains(needle)) {
                return COMPOSE_FILE + ":" + (i + 1) + ": ";
            }
        }
        return at(needle); // in a shared anchor (x-...) or merged in: the first line anywhere
    }

    private static String at(String needle) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return COMPOSE_FILE + ":" + (i + 1) + ": ";
            }
        }
        return COMPOSE_FILE + ": ";
    }
}
