package io.livedrop.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PagesTest {

    private static final List<String> ITEMS = List.of("d", "a", "c", "b", "e");

    @Test
    void shouldWalkAllItemsInOrderPageByPage() {
        Connection<String> first = Pages.page(ITEMS, Function.identity(), 2, null);
        Connection<String> second = Pages.page(ITEMS, Function.identity(), 2, first.pageInfo().endCursor());
        Connection<String> third = Pages.page(ITEMS, Function.identity(), 2, second.pageInfo().endCursor());

        assertThat(first.edges()).extracting(Connection.Edge::node).containsExactly("a", "b");
        assertThat(second.edges()).extracting(Connection.Edge::node).containsExactly("c", "d");
        assertThat(third.edges()).extracting(Connection.Edge::node).containsExactly("e");
        assertThat(first.pageInfo().hasNextPage()).isTrue();
        assertThat(third.pageInfo().hasNextPage()).isFalse();
    }

    @Test
    void shouldNeitherRepeatNorSkipWhenAnItemIsInsertedBetweenPages() {
        Connection<String> first = Pages.page(ITEMS, Function.identity(), 2, null);
        List<String> grown = new java.util.ArrayList<>(ITEMS);
        grown.add("aa"); // sorts before the cursor: already "seen" region
        grown.add("bb"); // sorts after the cursor: must appear next
        Connection<String> second = Pages.page(grown, Function.identity(), 2, first.pageInfo().endCursor());

        assertThat(second.edges()).extracting(Connection.Edge::node).containsExactly("bb", "c");
    }

    @Test
    void shouldAnswerAnEmptyPageWithoutCursor() {
        Connection<String> page = Pages.page(List.of(), Function.identity(), 20, null);
        assertThat(page.edges()).isEmpty();
        assertThat(page.pageInfo().hasNextPage()).isFalse();
        assertThat(page.pageInfo().endCursor()).isNull();
    }

    @Test
    void shouldRejectForgedCursorsAndBadPageSizes() {
        assertThatThrownBy(() -> Pages.page(ITEMS, Function.identity(), 2, "not-a-cursor"))
                .isInstanceOf(ApiException.class).hasMessageContaining("Malformed cursor");
        assertThatThrownBy(() -> Pages.page(ITEMS, Function.identity(), 0, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> Pages.page(ITEMS, Function.identity(), 101, null)).isInstanceOf(ApiException.class);
    }
}
