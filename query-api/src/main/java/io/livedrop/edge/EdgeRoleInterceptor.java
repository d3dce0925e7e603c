package io.livedrop.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ErrorClassification;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SourceLocation;
import graphql.parser.Parser;
import io.livedrop.api.graphql.ErrorCode;
import io.livedrop.api.security.Viewer;
import io.livedrop.api.security.ViewerInterceptor;
import io.livedrop.api.websocket.WebSocketSessions;
import io.livedrop.edge.relay.Upstream;
import io.livedrop.edge.relay.UpstreamErrors;
import io.livedrop.edge.relay.UpstreamLimits;
import io.livedrop.edge.relay.UpstreamUnavailable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.graphql.execution.SubscriptionPublisherException;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The edge role's one WebSocket interceptor: the viewer and the session's bounds exactly as on an API
 * instance ({@link ViewerInterceptor}), then where each operation runs. A subscription whose one root
 * field is {@code dropStarted} or {@code dropUpdates} runs here ({@link EdgeSubscriptions}: attached to
 * this process's feeds); any other operation (queries, mutations, {@code orderStatus}, a document
 * that does not parse) is relayed under its own id over the connection's {@link Upstream}, opened on
 * its first relayed operation with the viewer's token and closed with the connection. The upstream's
 * results and errors reach the client as the API sent them; an upstream that closes the link with a
 * 44xx code (a token it refused) closes the client with the same code.
 */
class EdgeRoleInterceptor extends ViewerInterceptor {

    private static final Set<String> FANNED_OUT_HERE = Set.of("dropStarted", "dropUpdates");

    private final WebSocketSessions sessions;
    private final EdgeRoleProperties properties;
    private final UpstreamLimits limits;
    private final Map<String, Upstream> upstreams = new ConcurrentHashMap<>();
    /** By operation name and document text. */
    private final Cache<String, Route> routes = Caffeine.newBuilder().maximumSize(1_000).build();

    EdgeRoleInterceptor(JwtDecoder decoder, WebSocketSessions sessions, EdgeRoleProperties properties,
                        UpstreamLimits limits) {
        super(decoder, sessions);
        this.sessions = sessions;
        this.properties = properties;
        this.limits = limits;
    }

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        if (request instanceof WebSocketGraphQlRequest socket) {
            Route route = route(socket);
            if (route != Route.HERE) {
                return super.intercept(request, next -> relay(socket, route));
            }
        }
        return super.intercept(request, chain);
    }

    @Override
    public void handleConnectionClosed(WebSocketSessionInfo session, int statusCode, Map<String, Object> payload) {
        Upstream upstream = upstreams.remove(session.getId());
        if (upstream != null) {
            upstream.close();
        }
        super.handleConnectionClosed(session, statusCode, payload);
    }

    /** Upstream links open now (tests, diagnostics). */
    int upstreams() {
        return upstreams.size();
    }

    /** Where an operation runs, decided once per operation name and document text (one parse). */
    private Route route(WebSocketGraphQlRequest request) {
        String name = request.getOperationName();
        return routes.get((name == null ? "" : name) + '\n' + request.getDocument(),
                key -> Route.of(operation(request.getDocument(), name)));
    }

    /** The operation that runs; null if the document does not parse or does not name one (the API says why). */
    private static OperationDefinition operation(String document, String name) {
        Document parsed;
        try {
            parsed = Parser.parse(document);
        } catch (RuntimeException e) {   // InvalidSyntaxException, a parser limit
            return null;
        }
        List<OperationDefinition> operations = parsed.getDefinitionsOfType(OperationDefinition.class);
        if (name == null) {
            return operations.size() == 1 ? operations.get(0) : null;
        }
        return operations.stream().filter(op -> name.equals(op.getName())).findFirst().orElse(null);
    }

    private Mono<WebGraphQlResponse> relay(WebSocketGraphQlRequest request, Route route) {
        Upstream upstream = upstreamOf(request.getSessionInfo());
        if (upstream == null) {
            return Mono.error(new SubscriptionPublisherException(List.of(unavailable("The connection closed")), null));
        }
        Flux<ExecutionResult> results = upstream.operation(request.getId(), request.toMap())
                .map(EdgeRoleInterceptor::result)
                .onErrorMap(UpstreamErrors.class, e -> new SubscriptionPublisherException(relayed(e.errors()), e))
                .onErrorMap(UpstreamUnavailable.class,
                        e -> new SubscriptionPublisherException(List.of(unavailable(e.getMessage())), e));
        if (route == Route.RELAYED_STREAM) {
            return Mono.just(response(request, ExecutionResult.newExecutionResult().data(results).build()));
        }
        return results.next().map(result -> response(request, result));
    }

    /** The session's upstream, opened now if it has none; null if the session closed meanwhile. */
    private Upstream upstreamOf(WebSocketSessionInfo session) {
        String id = session.getId();
        Upstream upstream = upstreams.computeIfAbsent(id, key -> {
            Viewer viewer = (Viewer) session.getAttributes().get(Viewer.CONTEXT_KEY);
            Map<String, Object> init = viewer == null ? Map.of()
                    : Map.of("Authorization", "Bearer " + viewer.bearerToken());
            Upstream opened = new Upstream(properties.upstream(), init, limits);
            opened.onClosed((code, reason) -> sessions.close(id, code, reason));
            return opened;
        });
        if (!sessions.isOpen(id) && upstreams.remove(id, upstream)) {   // closed while it was being opened
            upstream.close();
            return null;
        }
        return upstream;
    }

    private static WebGraphQlResponse response(WebSocketGraphQlRequest request, ExecutionResult result) {
        return new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(request.toExecutionInput(), result));
    }

    /** A relayed {@code next} payload as the result it was made from. */
    @SuppressWarnings("unchecked")
    private static ExecutionResult result(Map<String, Object> payload) {
        ExecutionResult.Builder<?> builder = ExecutionResult.newExecutionResult();
        if (payload.containsKey("data")) {
            builder.data(payload.get("data"));
        }
        if (payload.get("errors") instanceof List<?> errors) {
            builder.errors(relayed((List<Map<String, Object>>) errors));
        }
        if (payload.get("extensions") instanceof Map<?, ?> extensions) {
            builder.extensions((Map<Object, Object>) extensions);
        }
        return builder.build();
    }

    private static List<GraphQLError> relayed(List<Map<String, Object>> errors) {
        List<GraphQLError> relayed = new ArrayList<>(errors.size());
        errors.forEach(error -> relayed.add(new RelayedError(error)));
        return relayed;
    }

    private static GraphQLError unavailable(String why) {
        return GraphqlErrorBuilder.newError().errorType(ErrorCode.UNAVAILABLE.classification())
                .message("The API is unavailable (" + why + "); retry shortly").build();
    }

    /** Where an operation runs: fanned out here, or relayed as a stream of results or as one result. */
    private enum Route {
        HERE, RELAYED_STREAM, RELAYED_ONE;

        /** {@code operation} null: the document does not parse or names no operation; the API answers the error. */
        static Route of(OperationDefinition operation) {
            if (operation == null || operation.getOperation() != OperationDefinition.Operation.SUBSCRIPTION) {
                return RELAYED_ONE;
            }
            List<Selection> roots = operation.getSelectionSet().getSelections();
            return roots.size() == 1 && roots.get(0) instanceof Field field && FANNED_OUT_HERE.contains(field.getName())
                    ? HERE : RELAYED_STREAM;
        }
    }

    /** An error as the API sent it: its JSON is passed on unchanged. */
    private record RelayedError(Map<String, Object> specification) implements GraphQLError {

        @Override
        public String getMessage() {
            return String.valueOf(specification.get("message"));
        }

        @Override
        public List<SourceLocation> getLocations() {
            return null;
        }

        @Override
        public ErrorClassification getErrorType() {
            return null;
        }

        @Override
        public Map<String, Object> toSpecification() {
            return specification;
        }
    }
}
