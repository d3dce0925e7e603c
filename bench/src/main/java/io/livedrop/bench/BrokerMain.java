package io.livedrop.bench;

import io.livedrop.kafka.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;

/**
 * The benchmark's broker in a JVM of its own: starts an embedded KRaft broker (temporary, or with arguments
 * {@code <data directory> <port>} one whose data outlives it, for restarts), prints
 * {@code BOOTSTRAP <host:port>} on stdout, and stops it on SIGTERM (its shutdown hook) or when stdin closes (the
 * parent died).
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
        while (System.in.read() >= 0) {
            // wait for the parent
        }
        System.exit(0);
    }
}
