package io.livedrop.api.fanout;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.language.AstPrinter;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.SelectedField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Component;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link DocumentShape} of a subscription, from its fetcher's environment. Two subscriptions
 * share a key when they execute the same operation, printed compact (whitespace, commas, comments
 * and unused fragments gone, the used fragments in name order), with the same variables (as JSON,
 * keys sorted at every level); the shape's document is that compact text, so the shared render
 * executes exactly what the key names. A selection is shareable unless, after fragments and
 * {@code @include}/{@code @skip} are resolved, it holds a field that depends on the viewer beyond
 * {@link ViewerFacts} ({@link ViewerDependentFields}), or a variable whose value is not plain JSON
 * (a shared render passes the variables on as they are).
 *
 * <p>The printed operation is cached per parsed operation (bounded, and weakly held: the parsed
 * document itself is cached by query text in {@code graphql.ParsedDocuments}), so a subscribe with
 * a known text costs a map lookup, the variables' JSON and a walk of its selected fields. Shareable
 * shapes are one instance per key while any subscription holds it (weakly held): thousands of
 * subscriptions of one document hold one shape, and a feed groups them by identity.
 *
 * <p>Known gap: two selections that differ only in how they are written beyond that (the same
 * fields spread from a fragment rather than inline) get different keys: correct, only less shared.
 */
@Component
public class DocumentShapes {

    private static final JsonMapper SORTED_JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private final ViewerDependentFields viewerDependent;
    private final Cache<OperationDefinition, String> printed = Caffeine.newBuilder().weakKeys().maximumSize(1_000).build();
    private final Cache<String, DocumentShape> shared = Caffeine.newBuilder().weakValues().maximumSize(10_000).build();

    public DocumentShapes() {
        this(ViewerDependentFields.SCHEMA);
    }

    DocumentShapes(ViewerDependentFields viewerDependent) {
        this.viewerDependent = viewerDependent;
    }

    public DocumentShape of(DataFetchingEnvironment env) {
        OperationDefinition operation = env.getOperationDefinition();
        String document = printed.get(operation, op -> print(op, env.getFragmentsByName()));
        Map<String, Object> variables = env.getVariables();
        boolean plainVariables = plain(variables);
        String operationName = operation.getName();
        String key = (operationName == null ? "" : operationName) + '\n' + document + '\n'
                + (plainVariables ? SORTED_JSON.writeValueAsString(variables) : "<not plain: per session>");
        if (!plainVariables || needsSession(env.getSelectionSet().getFields())) {
            return new DocumentShape(key, document, operationName, variables, false);
        }
        return shared.get(key, k -> new DocumentShape(k, document, operationName, variables, true));
    }

    private boolean needsSession(List<SelectedField> fields) {
        for (SelectedField field : fields) {
            if (viewerDependent.needsSession(field)) {
                return true;
            }
        }
        return false;
    }

    /** The operation and the fragments it uses (in name order), printed compact. */
    private static String print(OperationDefinition operation, Map<String, FragmentDefinition> fragments) {
        TreeSet<String> used = new TreeSet<>();
        collectSpreads(operation.getSelectionSet(), fragments, used);
        List<Definition> definitions = new ArrayList<>();
        definitions.add(operation);
        for (String name : used) {
            FragmentDefinition fragment = fragments.get(name);
            if (fragment != null) {
                definitions.add(fragment);
            }
        }
        return AstPrinter.printAstCompact(Document.newDocument().definitions(definitions).build());
    }

    private static void collectSpreads(SelectionSet selections, Map<String, FragmentDefinition> fragments,
                                       TreeSet<String> used) {
        if (selections == null) {
            return;
        }
        for (Selection<?> selection : selections.getSelections()) {
            if (selection instanceof Field field) {
                collectSpreads(field.getSelectionSet(), fragments, used);
            } else if (selection instanceof InlineFragment inline) {
                collectSpreads(inline.getSelectionSet(), fragments, used);
            } else if (selection instanceof FragmentSpread spread && used.add(spread.getName())) {
                FragmentDefinition fragment = fragments.get(spread.getName());
                if (fragment != null) {   // validated documents always define it
                    collectSpreads(fragment.getSelectionSet(), fragments, used);
                }
            }
        }
    }

    /** Whether {@code value} is made of JSON's own types only (what a request's variables arrive as). */
    private static boolean plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return true;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String) || !plain(entry.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (!plain(item)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
