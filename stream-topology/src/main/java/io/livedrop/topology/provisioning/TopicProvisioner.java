package io.livedrop.topology.provisioning;

import io.livedrop.topology.config.TopicSpec;
import io.livedrop.topology.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every topic of {@link Topics} that does not exist yet, with its partitions, replication
 * and configs, then checks that existing topics match: a wrong partition count would silently send
 * a drop's orders to another task than its definition, so it stops startup with a clear error.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Creates what is missing and verifies the rest; throws {@link TopicDriftException} on drift. */
    public void provision(Topics topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.all().stream()
                    .filter(spec -> !existing.contains(spec.name()))
                    .map(spec -> new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(spec.configs()))
                    .toList();
            if (!missing.isEmpty()) {
                createAll(missing);
                log.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            }
            verify(topics);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot provision topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot provision topics: the cluster did not answer within " + timeout
                    + "; check bootstrap servers", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while provisioning topics", e);
        }
    }

    private void createAll(List<NewTopic> missing) throws InterruptedException, ExecutionException, TimeoutException {
        for (var entry : admin.createTopics(missing).values().entrySet()) {
            try {
                entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another instance creating the same topic at once is fine
                }
            }
        }
    }

    private void verify(Topics topics) throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described = describe(topics);
        List<String> problems = new ArrayList<>();
        for (TopicSpec spec : topics.all()) {
            int actual = described.get(spec.name()).partitions().size();
            if (actual != spec.partitions()) {
                problems.add(spec.name() + " has " + actual + " partitions, livedrop is configured for " + spec.partitions());
            }
        }
        checkCoPartitioned("drop-keyed", topics.coPartitionedByDrop(), described, problems);
        checkCoPartitioned("follower-keyed", topics.coPartitionedByFollower(), described, problems);
        if (!problems.isEmpty()) {
            throw new TopicDriftException(problems);
        }
    }

    private static void checkCoPartitioned(String kind, List<TopicSpec> group, Map<String, TopicDescription> described,
                                           List<String> problems) {
        Set<Integer> counts = group.stream().map(spec -> described.get(spec.name()).partitions().size())
                .collect(Collectors.toSet());
        if (counts.size() > 1) {
            problems.add("the " + kind + " topics " + group.stream().map(TopicSpec::name).toList()
                    + " must have one partition count, they have " + counts);
        }
    }

    /** Describes the topics, waiting while freshly created ones propagate to the broker's metadata. */
    private Map<String, TopicDescription> describe(Topics topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(topics.all().stream().map(TopicSpec::name).toList())
                        .allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** The cluster's topics differ from what livedrop needs; the message lists each difference and the fix. */
    public static final class TopicDriftException extends IllegalStateException {
        private final List<String> problems;

        TopicDriftException(List<String> problems) {
            super("Topic drift, refusing to start: " + String.join("; ", problems)
                    + ". Set topics.partitions to match the cluster, or migrate the topics (docs/operations.md).");
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
