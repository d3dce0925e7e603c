package io.livedrop.api.graphql;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * GraphiQL at /graphiql, served from the jar (static/graphiql/ and webjars), only when
 * {@code livedrop.http.graphiql} is set (the local profile sets it); otherwise the HTTP edge
 * ({@code web.HttpEdge}) answers 404 for its files too.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("livedrop.http.graphiql")
public class GraphiQlPage implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController("/graphiql").setViewName("forward:/graphiql/index.html");
    }
}
