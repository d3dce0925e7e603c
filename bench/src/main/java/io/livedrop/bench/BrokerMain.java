package io.livedrop.bench;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's broker in a JVM of its own: starts a temporary embedded KRaft broker, prints
 * {@code BOOTSTRAP <host:port>} on stdout, and stops it when stdin says {@code stop} or closes (the parent died).
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println("BOOTSTRAP " + broker.bootstrapServers());
        System.out.flush();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.strip().equals("stop")) {
                // wait for the parent
            }
        }
        broker.close();
        System.exit(0);
    }
}
