package io.livedrop.api.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.GraphQLContext;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLNamedOutputType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.GraphQLUnionType;
import graphql.schema.GraphQLInterfaceType;
import io.livedrop.api.security.Viewer;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.dataloader.BatchLoaderEnvironment;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.graphql.data.method.annotation.BatchMapping;
import org.springframework.graphql.data.method.annotation.ContextValue;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.stereotype.Controller;
import org.springframework.util.ClassUtils;

/**
 * The guard of {@link ViewerDependentFields}: every controller method that resolves a field of a
 * type a subscription event reaches ({@code DropStartedEvent}, {@code DropUpdate}: drops, products,
 * creators, their pages) and reads the viewer (its context value, the GraphQL context, the fetching
 * environment, a principal) is on the list, or known here not to depend on the viewer. A new field
 * that reads the viewer and is on neither would otherwise be rendered once and broadcast to
 * everyone: one viewer's data sent to the others.
 */
class ViewerDependentFieldsTest {

    private static final List<String> EVENT_TYPES = List.of("DropStartedEvent", "DropUpdate", "Drop", "Product", "Creator");

    /** Fields whose methods take the context or environment for something other than the viewer, and why. */
    private static final Map<FieldCoordinates, String> KNOWN_VIEWER_INDEPENDENT = Map.of(
            FieldCoordinates.coordinates("Creator", "drops"), "takes the environment for its DataLoader only");

    private static final Set<Class<?>> VIEWER_CARRIERS = Set.of(GraphQLContext.class, DataFetchingEnvironment.class,
            BatchLoaderEnvironment.class, Principal.class);

    private static final GraphQLSchema SCHEMA = CapturedShapes.apiSchema();

    @Test
    void shouldListEveryFieldOfASubscriptionEventThatReadsTheViewer() {
        Set<FieldCoordinates> readers = viewerReaders(controllers(), reachableTypes(EVENT_TYPES));

        Set<String> unlisted = new TreeSet<>();
        for (FieldCoordinates field : readers) {
            if (!ViewerDependentFields.SCHEMA.all().contains(field) && !KNOWN_VIEWER_INDEPENDENT.containsKey(field)) {
                unlisted.add(field.toString());
            }
        }
        assertThat(unlisted).as("fields of subscription events that read the viewer: list them in"
                + " ViewerDependentFields, or here if they do not depend on the viewer").isEmpty();
        // the list and the exceptions name fields that do read the viewer: neither is stale
        assertThat(readers).containsAll(ViewerDependentFields.SCHEMA.all())
                .containsAll(KNOWN_VIEWER_INDEPENDENT.keySet());
    }

    @Test
    void shouldSeeEveryWayAMethodCanReadTheViewer() {
        Set<FieldCoordinates> readers = viewerReaders(List.of(ViewerReadingController.class),
                reachableTypes(EVENT_TYPES));

        assertThat(readers).containsExactlyInAnyOrder(
                FieldCoordinates.coordinates("Drop", "byContextValue"),
                FieldCoordinates.coordinates("Drop", "byContext"),
                FieldCoordinates.coordinates("Product", "byEnvironment"),
                FieldCoordinates.coordinates("Creator", "byBatch"),
                FieldCoordinates.coordinates("PageInfo", "reachedThroughCreatorDrops"));
    }

    /** Methods as a controller could write them; not a bean (no {@code @Controller}). */
    @SuppressWarnings("unused")
    static class ViewerReadingController {

        @SchemaMapping(typeName = "Drop", field = "byContextValue")
        public String a(Object drop, @ContextValue(name = Viewer.CONTEXT_KEY) Viewer viewer) {
            return null;
        }

        @SchemaMapping(typeName = "Drop")
        public String byContext(Object drop, GraphQLContext context) {
            return null;
        }

        @SchemaMapping(typeName = "Product", field = "byEnvironment")
        public String c(Object product, DataFetchingEnvironment env) {
            return null;
        }

        @BatchMapping(typeName = "Creator", field = "byBatch")
        public Map<Object, String> d(List<Object> creators, BatchLoaderEnvironment env) {
            return null;
        }

        @SchemaMapping(typeName = "PageInfo", field = "reachedThroughCreatorDrops")
        public String e(Object page, Principal principal) {
            return null;
        }

        @SchemaMapping(typeName = "Drop", field = "viewerIndependent")
        public String f(Object drop, @ContextValue(name = "some.other.key") String other) {
            return null;
        }

        @SchemaMapping(typeName = "Order", field = "notReachedFromAnEvent")
        public String g(Object order, GraphQLContext context) {
            return null;
        }
    }

    /** The object types reachable from {@code roots} through fields (unions and interfaces: their implementations). */
    private static Set<String> reachableTypes(List<String> roots) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<GraphQLType> todo = new ArrayDeque<>();
        roots.forEach(root -> todo.add(SCHEMA.getType(root)));
        while (!todo.isEmpty()) {
            GraphQLType type = GraphQLTypeUtil.unwrapAll(todo.poll());
            if (!(type instanceof GraphQLNamedOutputType named) || !seen.add(named.getName())) {
                continue;
            }
            if (type instanceof GraphQLObjectType object) {
                object.getFieldDefinitions().forEach(field -> todo.add(field.getType()));
            } else if (type instanceof GraphQLInterfaceType iface) {
                todo.addAll(SCHEMA.getImplementations(iface));
            } else if (type instanceof GraphQLUnionType union) {
                todo.addAll(union.getTypes());
            }
        }
        return seen;
    }

    private static List<Class<?>> controllers() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Controller.class));
        List<Class<?>> controllers = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.livedrop.api")) {
            controllers.add(ClassUtils.resolveClassName(candidate.getBeanClassName(), null));
        }
        assertThat(controllers).as("controllers found").hasSizeGreaterThan(2);
        return controllers;
    }

    /** The fields of {@code types} whose controller method reads the viewer. */
    private static Set<FieldCoordinates> viewerReaders(List<Class<?>> controllers, Set<String> types) {
        Set<FieldCoordinates> readers = new LinkedHashSet<>();
        for (Class<?> controller : controllers) {
            SchemaMapping classMapping = AnnotatedElementUtils.findMergedAnnotation(controller, SchemaMapping.class);
            for (Method method : controller.getDeclaredMethods()) {
                FieldCoordinates field = mappedField(method, classMapping);
                if (field != null && types.contains(field.getTypeName()) && readsViewer(method)) {
                    readers.add(field);
                }
            }
        }
        return readers;
    }

    private static FieldCoordinates mappedField(Method method, SchemaMapping classMapping) {
        String typeName;
        String field;
        BatchMapping batch = AnnotatedElementUtils.findMergedAnnotation(method, BatchMapping.class);
        SchemaMapping schema = AnnotatedElementUtils.findMergedAnnotation(method, SchemaMapping.class);
        if (batch != null) {
            typeName = batch.typeName();
            field = batch.field();
        } else if (schema != null) {
            typeName = schema.typeName();
            field = schema.field();
        } else {
            return null;
        }
        if (typeName.isEmpty() && classMapping != null) {
            typeName = classMapping.typeName();
        }
        if (typeName.isEmpty()) {
            // as Spring does: the source's type (the element type of a batch's list is not known here: name it)
            typeName = method.getParameterCount() > 0 ? method.getParameterTypes()[0].getSimpleName() : "?";
        }
        return FieldCoordinates.coordinates(typeName, field.isEmpty() ? method.getName() : field);
    }

    private static boolean readsViewer(Method method) {
        for (Parameter parameter : method.getParameters()) {
            ContextValue contextValue = AnnotatedElementUtils.findMergedAnnotation(parameter, ContextValue.class);
            if (contextValue != null && (Viewer.CONTEXT_KEY.equals(contextValue.name())
                    || contextValue.name().isEmpty() && parameter.getType() == Viewer.class)) {
                return true;
            }
            if (parameter.getType() == Viewer.class
                    || VIEWER_CARRIERS.stream().anyMatch(carrier -> carrier.isAssignableFrom(parameter.getType()))) {
                return true;
            }
        }
        return false;
    }
}
