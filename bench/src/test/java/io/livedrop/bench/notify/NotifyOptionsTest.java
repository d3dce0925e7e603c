package io.livedrop.bench.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NotifyOptionsTest {

    @Test
    void edgeRolesHoldTheSocketsOnTheirEdge() {
        NotifyOptions o = parse("--edges=6", "--transports=tomcat");
        assertThat(o.transports).containsExactly("edge");
        assertThat(NotifyOptions.processes(o.edges, 100_000, 20_000, NotifyBenchmark.APP_FDS_IDLE)).isEqualTo(6);
        assertThat(NotifyOptions.processes(parse("--edges=auto").edges, 100_000, 20_000, NotifyBenchmark.APP_FDS_IDLE))
                .isEqualTo(6);
    }

    @Test
    void withoutEdgeRolesTheInstancesHoldTheSocketsAsBefore() {
        NotifyOptions o = parse();
        assertThat(o.edges).isEqualTo("0");
        assertThat(o.transports).containsExactly("tomcat");
        assertThatThrownBy(() -> parse("--edges=-1")).isInstanceOf(IllegalArgumentException.class);
    }

    private static NotifyOptions parse(String... args) {
        NotifyOptions o = new NotifyOptions();
        new CommandLine(o).registerConverter(Duration.class, s -> Duration.ofSeconds(Long.parseLong(s))).parseArgs(args);
        o.check();
        return o;
    }
}
