package io.livedrop.kafka.embedded;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a running {@link EmbeddedKafkaBroker}.
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class StockIntegrationTest {
 *     @Test
 *     void reservesStock(EmbeddedKafkaBroker kafka) { ... kafka.bootstrapServers() ... }
 *     // or, e.g. in a @BeforeAll or a Spring @DynamicPropertySource: EmbeddedKafkaExtension.broker()
 * }
 * }</pre>
 *
 * <p><b>One broker per JVM</b> (per JUnit run), shared by every test class that uses the extension: it is started
 * before the first such class and closed, its temporary data deleted, when the whole run ends. Starting is cheap
 * (a few hundred ms after the first), but a shared broker keeps suites fast. Tests therefore share topics and
 * consumer groups: give them unique names (e.g. per test class) rather than relying on an empty broker. A test that
 * needs a broker of its own (restarts, special settings) uses {@link EmbeddedKafkaBroker#temporary()} directly.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);

    private static volatile EmbeddedKafkaBroker shared;

    /**
     * The shared broker, for places that cannot take a parameter (static fields, {@code @DynamicPropertySource}).
     *
     * @throws IllegalStateException if no test class with this extension has started yet
     */
    public static EmbeddedKafkaBroker broker() {
        EmbeddedKafkaBroker broker = shared;
        if (broker == null || !broker.isRunning()) {
            throw new IllegalStateException("No embedded Kafka broker is running: annotate the test class with"
                    + " @ExtendWith(EmbeddedKafkaExtension.class)");
        }
        return broker;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        sharedBroker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return sharedBroker(extensionContext);
    }

    private static EmbeddedKafkaBroker sharedBroker(ExtensionContext context) {
        // The root store lives for the whole run and closes AutoCloseable values at its end.
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(SharedBroker.class, key -> new SharedBroker(), SharedBroker.class).broker;
    }

    private static final class SharedBroker implements AutoCloseable {

        private final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start();

        SharedBroker() {
            shared = broker;
        }

        @Override
        public void close() {
            shared = null;
            broker.close();
        }
    }
}
