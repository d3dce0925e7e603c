package io.livedrop.bench;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The benchmark's broker in a JVM of its own: starts an embedded KRaft broker (temporary, or with arguments
 * {@code <data directory> <port>} one whose data outlives it, for restarts), prints
 * {@code BOOTSTRAP <host:port>} on stdout, and stops it when stdin says {@code stop} or closes (the parent died).
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafkaBroker broker = (args.length == 2
                ? EmbeddedKafkaBroker.builder().dataDirectory(Path.of(args[0])).port(Integer.parseInt(args[1])).build()
                : EmbeddedKafkaBroker.temporary()).start();
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
