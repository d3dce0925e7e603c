package io.livedrop.api.graphql;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code livedrop.graphql.*}: how big a query may be. Depth stops nesting bombs; complexity (one
 * point per selected field, aliases included) stops alias floods. The defaults leave room for
 * GraphiQL's introspection query and every query a client of API.md needs.
 *
 * @param maxDepth      deepest field nesting allowed
 * @param maxComplexity most fields one query may select
 */
@ConfigurationProperties("livedrop.graphql")
public record QueryLimits(@DefaultValue("15") int maxDepth, @DefaultValue("300") int maxComplexity) {
}
