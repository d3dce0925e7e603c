package io.livedrop.api.graphql;

import graphql.execution.AbortExecutionException;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.normalized.ExecutableNormalizedField;
import graphql.normalized.ExecutableNormalizedOperation;
import graphql.schema.GraphQLSchema;
import graphql.ExecutionResult;
import java.util.List;
import java.util.function.Consumer;

/**
 * Refuses, before any field runs, a query whose cost exceeds {@code livedrop.graphql.max-cost}
 * (BAD_REQUEST, counted by {@link io.livedrop.api.limits.Refusals} under that name). The cost is
 * an upper bound of the fields the answer can hold: every field counts 1, and a field taking a
 * {@code first} argument (a page) counts 1 + {@code first} × the cost of its selection, with the
 * schema's default of {@value #DEFAULT_FIRST} when {@code first} is absent or null. So nested
 * lists multiply ({@code liveDrops(first: 100) → creator → drops(first: 100)} costs about
 * 100 × 100 × its leaves), and every alias counts on its own. It is computed on graphql-java's
 * normalized operation (the fields as they will execute: fragments expanded, identical fields
 * merged, at most 100,000 of them), in longs, so no document overflows it.
 *
 * <p>Known gaps: the multiplier applies to a page's whole selection, {@code pageInfo} included
 * (an over-estimate of a few fields per page); a field that is not a page but still costly (a
 * routed {@code drop(id)}) counts 1, which is why the flat field limit ({@code max-complexity})
 * stays alongside.
 */
public final class QueryCost extends SimplePerformantInstrumentation {

    public static final String SETTING = "livedrop.graphql.max-cost";
    /** The schema's default page size of every {@code first} argument. */
    public static final int DEFAULT_FIRST = 20;
    private static final String FIRST = "first";

    private final long maxCost;
    private final Consumer<String> refused;

    /** @param refused called with {@link #SETTING} for every refusal */
    public QueryCost(long maxCost, Consumer<String> refused) {
        this.maxCost = maxCost;
        this.refused = refused;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
                                                                         InstrumentationState state) {
        long cost = of(parameters.getExecutionContext().getNormalizedQueryTree().get(),
                parameters.getExecutionContext().getGraphQLSchema());
        if (cost > maxCost) {
            refused.accept(SETTING);
            throw new AbortExecutionException("Query cost " + cost + " exceeds the limit of " + maxCost + " ("
                    + SETTING + "): each field costs 1 and a field with first: n costs n times its selection ("
                    + DEFAULT_FIRST + " when first is not given); ask for smaller pages or fewer nested lists");
        }
        return super.beginExecuteOperation(parameters, state);
    }

    /** The cost of an operation, saturating at {@link Long#MAX_VALUE}. */
    public static long of(ExecutableNormalizedOperation operation, GraphQLSchema schema) {
        return sum(operation.getTopLevelFields(), schema);
    }

    private static long sum(List<ExecutableNormalizedField> fields, GraphQLSchema schema) {
        long total = 0;
        for (ExecutableNormalizedField field : fields) {
            total = saturatedAdd(total, of(field, schema));
        }
        return total;
    }

    private static long of(ExecutableNormalizedField field, GraphQLSchema schema) {
        long selection = sum(field.getChildren(), schema);
        return saturatedAdd(1, saturatedMultiply(pageSize(field, schema), selection));
    }

    /** {@code first} of a page field (at least 1), the default when absent or null; 1 for any other field. */
    private static long pageSize(ExecutableNormalizedField field, GraphQLSchema schema) {
        boolean paged = field.getFieldDefinitions(schema).stream().anyMatch(definition -> definition.getArgument(FIRST) != null);
        if (!paged) {
            return 1;
        }
        return field.getResolvedArguments().get(FIRST) instanceof Number first ? Math.max(1, first.longValue()) : DEFAULT_FIRST;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long a, long b) {
        return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }
}
