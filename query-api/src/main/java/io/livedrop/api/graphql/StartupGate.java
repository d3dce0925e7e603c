package io.livedrop.api.graphql;

import graphql.ExecutionResult;
import graphql.GraphqlErrorBuilder;
import io.livedrop.api.limits.Refusals;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Holds GraphQL requests (HTTP and WebSocket) that reach the instance before it has been ready once, and runs
 * them as soon as it is: a restarted instance's port accepts connections seconds before Kafka Streams has
 * rejoined its groups and restored its stores, and a request answered in that window would fail for no fault of
 * the client (issue 15). The wait holds no thread (the request continues when the application is ready), lasts at
 * most {@code livedrop.startup.request-wait}, and at most {@code livedrop.startup.max-waiting-requests} wait at
 * once; a request refused by either bound is answered UNAVAILABLE (retryable) and counted by {@link Refusals}.
 *
 * <p>Only the start is gated: once the application is ready, the gate stays open for good. A rebalance later on is the business of
 * the reads themselves (they wait for the partition's owner, {@code livedrop.queries.owner-wait}), and during a
 * shutdown the web server's graceful stop already refuses new connections while in-flight requests finish.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)   // after ViewerInterceptor (it reads the caller from this thread)
public class StartupGate implements WebGraphQlInterceptor, WebMvcConfigurer, DisposableBean {

    static final String REQUEST_WAIT = "livedrop.startup.request-wait";
    static final String MAX_WAITING = "livedrop.startup.max-waiting-requests";
    /** Tomcat's default {@code server.tomcat.threads.max}. */
    private static final int RESUME_THREADS = 200;

    private final StartupProperties properties;
    private final Refusals refusals;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicInteger waiting = new AtomicInteger();
    /**
     * Where waiting requests resume: as many threads as Tomcat has for requests (reads block on their stores), so
     * that the requests held during a start run side by side; made on demand, gone 10 s after the start.
     */
    private final Scheduler resumed = Schedulers.newBoundedElastic(RESUME_THREADS, Integer.MAX_VALUE, "startup-gate",
            10, true);

    public StartupGate(StartupProperties properties, Refusals refusals) {
        this.properties = properties;
        this.refusals = refusals;
    }

    /**
     * Opens the gate once the application has started: every lifecycle has run (both Kafka Streams applications
     * RUNNING, the producer's metadata fetched). Kafka Streams alone publishes ACCEPTING_TRAFFIC earlier.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        ready.complete(null);
    }

    /** Whether the instance has been ready once (requests pass straight through). */
    public boolean open() {
        return ready.isDone();
    }

    /** How many requests wait for readiness right now. */
    public int waiting() {
        return waiting.get();
    }

    @Override
    public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
        if (ready.isDone()) {
            return chain.next(request);
        }
        if (waiting.incrementAndGet() > properties.maxWaitingRequests()) {
            waiting.decrementAndGet();
            refusals.count(MAX_WAITING);
            return Mono.just(unavailable(request, "This instance is starting and " + properties.maxWaitingRequests()
                    + " requests already wait for it (" + MAX_WAITING + "); retry in a few seconds"));
        }
        Mono<Boolean> admitted = Mono.fromFuture(ready, true).thenReturn(true)
                .timeout(properties.requestWait(), Mono.just(false))
                .doFinally(signal -> waiting.decrementAndGet())
                // off the thread that opened the gate (the one that announced the application ready), each on a worker
                .publishOn(resumed);
        return admitted.flatMap(isReady -> {
            if (isReady) {
                return chain.next(request);
            }
            refusals.count(REQUEST_WAIT);
            return Mono.just(unavailable(request, "This instance is starting and was not ready within "
                    + properties.requestWait().toSeconds() + " s (" + REQUEST_WAIT + "); retry shortly"));
        });
    }

    /**
     * An HTTP request is asynchronous while it waits; Tomcat's async timeout (30 s) would end it with a bare 503
     * before the request has run. It outlasts the wait by Tomcat's own 30 s for the request itself.
     */
    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
        configurer.setDefaultTimeout(properties.requestWait().plusSeconds(30).toMillis());
    }

    @Override
    public void destroy() {
        resumed.dispose();
    }

    private static WebGraphQlResponse unavailable(WebGraphQlRequest request, String message) {
        ExecutionResult result = ExecutionResult.newExecutionResult()
                .addError(GraphqlErrorBuilder.newError().message(message).errorType(ErrorCode.UNAVAILABLE.classification())
                        .extensions(Map.of("code", ErrorCode.UNAVAILABLE.name())).build())
                .build();
        return new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(request.toExecutionInput(), result));
    }
}
