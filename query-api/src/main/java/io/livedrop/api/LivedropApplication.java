package io.livedrop.api;

import io.livedrop.api.ops.DeadLetterReplay;
import io.livedrop.api.security.TokenCommand;
import io.livedrop.edge.EdgeRole;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Starts livedrop. {@code java -jar livedrop.jar token ...} instead prints a local bearer token and
 * exits (see {@link TokenCommand}); {@code java -jar livedrop.jar replay-dead-letters ...} writes dead
 * letters back to their source topics and exits (see {@link DeadLetterReplay}); {@code java -jar livedrop.jar edge ...}
 * runs the connection tier alone, without the ledger (see {@link EdgeRole}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LivedropApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("replay-dead-letters")) {
            System.exit(DeadLetterReplay.run(Arrays.asList(args).subList(1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("edge")) {
            EdgeRole.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(LivedropApplication.class, args);
    }
}
