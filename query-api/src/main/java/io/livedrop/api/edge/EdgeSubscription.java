package io.livedrop.api.edge;

import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import io.livedrop.api.fanout.Recipient;
import io.livedrop.api.fanout.SharedPayload;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.execution.SubscriptionPublisherException;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * One operation ({@code subscribe}) of an edge connection. It runs through Spring's {@code WebGraphQlHandler} off the
 * loop, with itself in the GraphQL context as the operation's {@link Recipient}: a feed that takes shared payloads
 * attaches it and its result stream never emits; any other result (queries, mutations, per-session subscriptions,
 * errors) is streamed here: each item encoded once, off the loop, and written on the loop, the next one requested
 * when the write is done. Resolver errors end it with {@code error}, the end of the stream with {@code complete}.
 *
 * <p>A feed that attaches it is handed it ({@link #handOver}): the result stream then completes without a
 * {@code complete} message and the subscription lives on in the feed, so the execution behind the stream (its
 * GraphQL context, DataLoaders, the request) is not held for the subscription's life; completing it from the client
 * or closing the connection detaches it.
 *
 * <p>As a {@link Recipient}: a shared payload is framed with this operation's id around the shared bytes, the frame
 * encoded once per loop for a run of recipients with the same id ({@link SharedFrames}). Over the connection's high-water mark a latest-wins message is refused and the callback runs once the
 * connection drained; any other message closes the connection 1013 as a slow consumer.
 */
final class EdgeSubscription implements Recipient {

    private static final Logger log = LoggerFactory.getLogger(EdgeSubscription.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] SUFFIX = {'}'};

    private final EdgeConnection connection;
    private final String id;
    /** {@code {"id":<id>,"type":"next","payload":}}: the frame of a shared payload is this, the payload, and "}". */
    private final byte[] prefix;
    private final Stream stream = new Stream();
    private Runnable whenWritable;
    /** Set once a feed holds it without its stream ({@link #handOver}): ends it there. */
    private volatile Runnable detach;
    /** The client completed it, the connection closed, or its feed ended it. */
    private volatile boolean cancelled;

    EdgeSubscription(EdgeConnection connection, String id) {
        this.connection = connection;
        this.id = id;
        this.prefix = ("{\"id\":" + JSON.writeValueAsString(id) + ",\"type\":\"next\",\"payload\":")
                .getBytes(StandardCharsets.UTF_8);
    }

    String id() {
        return id;
    }

    /** Executes the operation: {@code payload} is the {@code subscribe} payload (query, variables, ...). */
    void start(Map<String, Object> payload) {
        EdgeSessionInfo info = connection.info;
        WebSocketGraphQlRequest request = new WebSocketGraphQlRequest(info.getUri(), info.getHeaders(), null,
                info.getRemoteAddress(), info.getAttributes(), payload, id, null, info);
        request.configureExecutionInput((input, builder) ->
                builder.graphQLContext(Map.of(Recipient.CONTEXT_KEY, this)).build());
        Mono.defer(() -> connection.server.graphQl.handleRequest(request))
                .subscribeOn(Schedulers.boundedElastic())   // interceptors and fetchers may block
                .flatMapMany(this::messages)
                .onErrorResume(error -> Mono.fromCallable(() -> connection.server.messages.error(id, errorsOf(error))))
                .subscribe(stream);
    }

    private Flux<byte[]> messages(WebGraphQlResponse response) {
        EdgeMessages messages = connection.server.messages;
        if (response.getData() instanceof Publisher<?> events) {
            return Flux.from(events)
                    .map(event -> messages.next(id, ((ExecutionResult) event).toSpecification()))
                    // a stream that ends because a feed took the subscription over says nothing to the client
                    .concatWith(Mono.fromCallable(() -> detach != null ? null : messages.complete(id)))
                    .onErrorResume(error -> Mono.fromCallable(() -> messages.error(id, errorsOf(error))));
        }
        return Flux.concat(Mono.fromCallable(() -> messages.next(id, response.toMap())),
                Mono.fromCallable(() -> messages.complete(id)));
    }

    private List<GraphQLError> errorsOf(Throwable error) {
        if (error instanceof SubscriptionPublisherException resolved) {
            return resolved.getErrors();
        }
        log.error("Unresolved {} for request id {}", error.getClass().getSimpleName(), id, error);
        return List.of(GraphqlErrorBuilder.newError().message("Subscription error").errorType(ErrorType.INTERNAL_ERROR)
                .build());
    }

    /** The client completed it, or the connection closed: the stream is cancelled or the feed detaches it. */
    void cancel() {
        cancelled = true;
        whenWritable = null;
        stream.dispose();
        Runnable held = detach;
        if (held != null) {
            held.run();
        }
    }

    /** Whether it still takes messages: not cancelled, and its stream open or handed over. */
    private boolean open() {
        return !cancelled && (detach != null || !stream.isDisposed());
    }

    // ------------------------------------------------------------------ Recipient

    @Override
    public Executor loop() {
        return connection.loop;
    }

    @Override
    public boolean handOver(Runnable detach) {
        this.detach = detach;
        if (cancelled) {   // cancelled meanwhile: cancel() may have run before detach was set (detach is idempotent)
            detach.run();
            return true;
        }
        connection.server.sessions.hold(connection.id(), id);   // it still counts against the connection's bound
        return true;
    }

    @Override
    public void complete() {
        try {
            connection.loop.execute(() -> {
                if (cancelled || connection.closing()) {
                    return;
                }
                cancelled = true;
                connection.ended(this);
                connection.server.sessions.endOperation(connection.id(), id);
                connection.writeNow(connection.server.messages.complete(id));
            });
        } catch (RejectedExecutionException stopping) {
            // the edge is shutting down: its connections go with it
        }
    }

    @Override
    public boolean next(SharedPayload payload, boolean latestWins) {
        if (connection.closing() || !open()) {
            return false;
        }
        if (!connection.channel.isWritable()) {
            if (latestWins) {
                return false;
            }
            connection.slowConsumer();
            return false;
        }
        // the encoded frame itself (the frame encoder lets a ByteBuf through): see SharedFrames
        connection.channel.write(SharedFrames.frame(connection.channel.alloc(), prefix, payload.json(), SUFFIX),
                connection.channel.voidPromise());
        return true;
    }

    @Override
    public void flush() {
        connection.channel.flush();
    }

    @Override
    public void onWritable(Runnable callback) {
        if (connection.closing() || !open()) {
            return;
        }
        whenWritable = callback;
        if (connection.channel.isWritable()) {
            connection.loop.execute(this::drained);   // drained meanwhile
        } else {
            connection.waitForWritable(this);
        }
    }

    void drained() {
        Runnable callback = whenWritable;
        whenWritable = null;
        if (callback != null && !connection.closing()) {
            callback.run();
        }
    }

    // ------------------------------------------------------------------ the per-session stream

    /** Writes each encoded message on the loop and asks for the next once it is written. */
    private final class Stream extends BaseSubscriber<byte[]> {

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(byte[] message) {
            connection.loop.execute(() -> {
                if (connection.closing()) {
                    return;
                }
                if (!connection.channel.isWritable()) {
                    // each stream waits for its own write, but a client may open operation after operation and
                    // read none of the answers
                    connection.slowConsumer();
                    return;
                }
                connection.channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(message)))
                        .addListener(written -> {
                            if (written.isSuccess()) {
                                request(1);
                            }
                        });
            });
        }

        @Override
        protected void hookFinally(SignalType type) {
            if (detach != null) {
                return;   // handed over: it lives on in its feed
            }
            try {
                connection.loop.execute(() -> connection.ended(EdgeSubscription.this));
            } catch (RejectedExecutionException stopping) {
                // the edge is shutting down: its connections and what they held go with it
            }
        }
    }
}
