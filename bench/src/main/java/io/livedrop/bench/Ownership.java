package io.livedrop.bench;

import io.livedrop.topology.config.Stores;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Which instance holds the active copy of a drop id's partition (Kafka's murmur2 partitioner), asked of the instances
 * through the endpoint routed reads use: the owner answers 200 (404 for an absent key), the others 503.
 */
public final class Ownership {

    private Ownership() {
    }

    public static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The owner endpoint's HTTP status, -1 when nothing answered. */
    public static int probe(Http http, AppInstance instance, String key, int partition) {
        try {
            return http.get(instance.peerUrl() + "/internal/stores/" + Stores.DROP_STATE + "/keys/" + key
                    + "?partition=" + partition + "&stale=false").statusCode();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The one instance that answers 200 for {@code key} while the others answer 503, or null. */
    public static AppInstance ownerOfExisting(Http http, List<AppInstance> instances, String key, int partitions) {
        return owner(http, instances, key, partition(key, partitions), Set.of(200));
    }

    /** partition -> the one instance active for it, or null. */
    public static Map<Integer, String> partitionOwners(Http http, List<AppInstance> instances, int partitions) {
        Map<Integer, String> owners = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            AppInstance owner = owner(http, instances, probeKey(p, partitions), p, Set.of(200, 404));
            owners.put(p, owner == null ? null : owner.name);
        }
        return owners;
    }

    /** The one instance whose answer is in {@code owns} while the others answer 503; null when none or unclear. */
    private static AppInstance owner(Http http, List<AppInstance> instances, String key, int p, Set<Integer> owns) {
        AppInstance owner = null;
        for (AppInstance i : instances) {
            int status = probe(http, i, key, p);
            if (owns.contains(status) && owner == null) {
                owner = i;
            } else if (status != 503) {
                return null;
            }
        }
        return owner;
    }

    /** A key (absent from every store) that falls in {@code partition}. */
    public static String probeKey(int partition, int partitions) {
        return IntStream.iterate(0, n -> n + 1).mapToObj(n -> "bench-probe-" + n)
                .filter(key -> partition(key, partitions) == partition).findFirst().orElseThrow();
    }

    public static String describe(Map<Integer, String> owners) {
        Map<String, Set<Integer>> by = new TreeMap<>();
        owners.forEach((p, o) -> by.computeIfAbsent(o == null ? "nobody" : o, k -> new TreeSet<>()).add(p));
        return by.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** A second opinion: the partitions of {@code topic} the broker assigned to each member, against the owners. */
    public static String groupCrossCheck(String bootstrap, String groupId, String topic, Map<Integer, String> owners) {
        try (Admin admin = KafkaAdmin.admin(bootstrap)) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).all()
                    .get(30, TimeUnit.SECONDS).get(groupId);
            List<String> members = new ArrayList<>();
            boolean agrees = true;
            for (MemberDescription m : group.members()) {
                Set<Integer> ps = m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                        .map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
                Set<String> ownersOfThese = ps.stream().map(p -> String.valueOf(owners.get(p)))
                        .collect(Collectors.toSet());
                agrees &= ownersOfThese.size() <= 1;
                members.add("member " + m.clientId().replaceAll("-StreamThread-\\d+-consumer$", "…")
                        + " has " + ps + (ownersOfThese.size() == 1 ? " (= instance " + ownersOfThese.iterator().next()
                        + ")" : ""));
            }
            return "consumer group '" + groupId + "' (" + group.groupState() + ", " + group.members().size()
                    + " members): " + String.join("; ", members) + (agrees ? " — agrees with the instances' answers"
                    : " — DISAGREES with the instances' answers");
        } catch (Exception e) {
            return "consumer group '" + groupId + "' could not be described: " + e;
        }
    }
}
