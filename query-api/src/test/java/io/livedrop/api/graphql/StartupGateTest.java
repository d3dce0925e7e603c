package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.ExecutionResult;
import io.livedrop.api.limits.Refusals;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import reactor.core.publisher.Mono;

class StartupGateTest {

    private final Refusals refusals = new Refusals(new StaticListableBeanFactory().getBeanProvider(MeterRegistry.class));
    private final AtomicInteger executed = new AtomicInteger();
    private final WebGraphQlInterceptor.Chain chain = request -> {
        executed.incrementAndGet();
        return Mono.just(new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(request.toExecutionInput(),
                ExecutionResult.newExecutionResult().data(Map.of("ok", true)).build())));
    };

    @Test
    void shouldRunARequestThatArrivedBeforeReadinessOnceTheInstanceIsReady() throws Exception {
        // Given a starting instance
        StartupGate gate = gate(Duration.ofSeconds(30), 10);

        // When a request arrives
        CompletableFuture<WebGraphQlResponse> answer = gate.intercept(request(), chain).toFuture();

        // Then it waits
        assertThat(gate.waiting()).isEqualTo(1);
        assertThat(answer).isNotDone();
        assertThat(executed).hasValue(0);

        // And once the instance is ready it runs, without an error
        gate.onReady();
        assertThat(answer.get(5, TimeUnit.SECONDS).getErrors()).isEmpty();
        assertThat(executed).hasValue(1);
        assertThat(gate.waiting()).isZero();
        // And from then on requests pass straight through
        assertThat(gate.intercept(request(), chain).block().getErrors()).isEmpty();
        assertThat(executed).hasValue(2);
    }

    @Test
    void shouldAnswerUnavailableWhenTheInstanceIsNotReadyWithinTheWait() {
        StartupGate gate = gate(Duration.ofMillis(50), 10);

        WebGraphQlResponse response = gate.intercept(request(), chain).block(Duration.ofSeconds(5));

        assertThat(response.getErrors()).singleElement().satisfies(error -> {
            assertThat(error.getExtensions()).containsEntry("code", "UNAVAILABLE");
            assertThat(error.getMessage()).contains("livedrop.startup.request-wait");
        });
        assertThat(executed).hasValue(0);
        assertThat(refusals.refused("livedrop.startup.request-wait")).isEqualTo(1);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void shouldRefuseAtOnceBeyondTheWaitingRequestsBound() {
        // Given a starting instance with two requests waiting, the bound
        StartupGate gate = gate(Duration.ofSeconds(30), 2);
        List<Mono<WebGraphQlResponse>> waiting = List.of(gate.intercept(request(), chain), gate.intercept(request(), chain));
        waiting.forEach(Mono::subscribe);
        assertThat(gate.waiting()).isEqualTo(2);

        // When a third arrives
        WebGraphQlResponse third = gate.intercept(request(), chain).block(Duration.ofSeconds(5));

        // Then it is answered UNAVAILABLE at once, and counted
        assertThat(third.getErrors()).singleElement().satisfies(error -> {
            assertThat(error.getExtensions()).containsEntry("code", "UNAVAILABLE");
            assertThat(error.getMessage()).contains("livedrop.startup.max-waiting-requests");
        });
        assertThat(refusals.refused("livedrop.startup.max-waiting-requests")).isEqualTo(1);
        assertThat(gate.waiting()).isEqualTo(2);
    }

    private StartupGate gate(Duration wait, int maxWaiting) {
        return new StartupGate(new StartupProperties(wait, maxWaiting), refusals);
    }

    private static WebGraphQlRequest request() {
        return new WebGraphQlRequest(URI.create("http://localhost/graphql"), new HttpHeaders(), new LinkedMultiValueMap<>(),
                null, Map.of(), Map.of("query", "{ liveDrops { edges { node { id } } } }"), "1", null);
    }
}
