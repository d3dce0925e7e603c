package io.livedrop.api.fanout;

import graphql.ExecutionResult;
import graphql.GraphQLError;
import io.livedrop.api.graphql.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.reactivestreams.Publisher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.graphql.ExecutionGraphQlResponse;
import org.springframework.graphql.ExecutionGraphQlService;
import org.springframework.graphql.support.DefaultExecutionGraphQlRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import io.livedrop.api.graphql.WebSocketJson;
import tools.jackson.databind.ObjectMapper;

/**
 * Renders a subscription event once for every recipient of a (document, variables, facts) group:
 * executes the shape's document through Spring's {@link ExecutionGraphQlService} (so DataLoaders
 * and {@code @BatchMapping}s work as for any request) with only the {@link SharedEvent} and the
 * {@link ViewerFacts} in the GraphQL context, no viewer and no token, so nothing of one viewer can
 * reach another; the subscription fetcher answers the event itself ({@code Flux.just}), and its one
 * result is encoded once with the JSON mapper of the WebSocket transport, exactly as the
 * per-session path encodes a {@code next} payload ({@code ExecutionResult.toSpecification()}).
 * Field errors that are the same for everyone (UNAVAILABLE reading a product) stay in the payload,
 * as the per-session path would send them; a render that asked about the viewer beyond the facts,
 * met an error about who the viewer is (UNAUTHENTICATED, FORBIDDEN), or failed as a whole (a
 * non-null field's error bubbled up to the root: per session that is an {@code error} message that
 * ends the subscription, which a shared {@code next} payload cannot carry) fails with
 * {@link NotShareableException} (the feeds log and count it; its recipients are not sent that event). A render that
 * could not run at all (timeout, refused before execution) fails with an IllegalStateException.
 *
 * <p>Recent payloads are kept ({@link RecentRenders}): a feed that asks again for the same event (a catch-up
 * replay) does not execute it again.
 *
 * <p>Blocks the calling thread while the document's fetchers run (store reads, maybe a peer hop),
 * at most {@link #RENDER_WAIT}: call it from a thread that may block.
 */
@Component
public class LocalRenderer implements SharedRenderer {

    /** Beyond this a render is abandoned; a store that cannot answer fails sooner ({@code livedrop.queries.owner-wait}). */
    static final Duration RENDER_WAIT = Duration.ofSeconds(30);
    private static final Set<String> VIEWER_ERRORS = Set.of(ErrorCode.UNAUTHENTICATED.name(), ErrorCode.FORBIDDEN.name());

    private final ExecutionGraphQlService graphQl;
    private final ObjectMapper json;
    private final RecentRenders recent = new RecentRenders();

    private final LongAdder executions = new LongAdder();

    public LocalRenderer(ExecutionGraphQlService graphQl,
                         WebSocketJson webSocketJson,
                         ObjectProvider<MeterRegistry> meters) {
        this.graphQl = graphQl;
        this.json = webSocketJson.mapper();
        meters.ifAvailable(registry -> FunctionCounter.builder("livedrop.notifications.renders", executions,
                        LongAdder::sum)
                .description("shared renders executed (each serves every recipient of its document, event and facts)")
                .register(registry));
    }

    /** Shared renders executed so far (not answered from the cache). */
    public long executions() {
        return executions.sum();
    }

    @Override
    public SharedPayload render(DocumentShape shape, Object event, ViewerFacts facts) {
        if (!shape.shareable()) {
            throw new NotShareableException("The selection depends on the viewer beyond what is known of it");
        }
        return recent.get(shape, facts, event, () -> {
            executions.increment();
            return new SharedPayload(json.writeValueAsBytes(execute(shape, event, facts).toSpecification()));
        });
    }

    @SuppressWarnings("unchecked")
    private ExecutionResult execute(DocumentShape shape, Object event, ViewerFacts facts) {
        DefaultExecutionGraphQlRequest request = new DefaultExecutionGraphQlRequest(shape.document(),
                shape.operationName(), shape.variables(), null, UUID.randomUUID().toString(), null);
        request.configureExecutionInput((input, builder) -> builder.graphQLContext(context -> context
                .put(SharedEvent.CONTEXT_KEY, new SharedEvent(event))
                .put(ViewerFacts.CONTEXT_KEY, facts)).build());
        long deadline = System.nanoTime() + RENDER_WAIT.toNanos();
        ExecutionGraphQlResponse response = await(graphQl.execute(request).toFuture(), deadline);
        if (!(response.getData() instanceof Publisher<?> events)) {
            throw new NotRendered("Not a subscription, or refused before it ran: " + response.getErrors(), null);
        }
        ExecutionResult result;
        try {
            result = await(Flux.from((Publisher<ExecutionResult>) events).next().toFuture(), deadline);
        } catch (NotRendered e) {
            throw e;
        } catch (RuntimeException e) {
            // a null that bubbled up to the root (a non-null field failed): per session this is an
            // error message that ends the subscription, which a shared next payload cannot say
            throwIfNotShareable(response);
            throw new NotShareableException("The event's execution failed as a whole, which ends each subscription"
                    + " with an error: " + e.getMessage());
        }
        if (result == null) {
            throw new NotRendered("The subscription answered no result for the shared event", null);
        }
        throwIfNotShareable(response);
        for (GraphQLError error : result.getErrors()) {
            Map<String, Object> extensions = error.getExtensions();
            if (extensions != null && VIEWER_ERRORS.contains(String.valueOf(extensions.get("code")))) {
                throw new NotShareableException("A shared render met a viewer error: " + error.getMessage());
            }
        }
        return result;
    }

    private static void throwIfNotShareable(ExecutionGraphQlResponse response) {
        NotShareableException notShareable = response.getExecutionInput().getGraphQLContext()
                .get(NotShareableResolver.CONTEXT_KEY);
        if (notShareable != null) {
            throw notShareable;
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, long deadlineNanos) {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new NotRendered("Interrupted while rendering", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new NotRendered("A shared render took longer than " + RENDER_WAIT, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A render that did not happen (timed out, interrupted, refused before it ran): no payload for anyone. */
    static final class NotRendered extends IllegalStateException {

        NotRendered(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
