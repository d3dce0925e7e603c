package io.livedrop.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * Every setting of the application (each component of a {@code @ConfigurationProperties} record
 * under {@code io.livedrop.api}, nested records followed) is in the README's configuration table,
 * so a new bound or knob cannot ship undocumented. A row may name a setting in full
 * ({@code `livedrop.http.max-body-size`}) or as the second of a pair on one line
 * ({@code `livedrop.orders.rate-per-second` / `rate-burst`}).
 */
class ConfigurationDocsTest {

    @Test
    void shouldDocumentEverySettingInTheReadme() throws IOException, ClassNotFoundException {
        List<String> readme = Files.readAllLines(Path.of("../README.md"));
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<String> keys = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.livedrop.api")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            collect(type.getAnnotation(ConfigurationProperties.class).value(), type, keys);
        }
        assertThat(keys).as("settings found").hasSizeGreaterThan(20);
        List<String> missing = keys.stream().filter(key -> !documented(key, readme)).toList();
        assertThat(missing).as("settings missing from the README's configuration table").isEmpty();
    }

    private static void collect(String prefix, Class<?> type, List<String> keys) {
        for (RecordComponent component : type.getRecordComponents()) {
            String key = prefix + "." + kebab(component.getName());
            if (component.getType().isRecord() && component.getType().getName().startsWith("io.livedrop.")) {
                collect(key, component.getType(), keys);
            } else if (Map.class.isAssignableFrom(component.getType())) {
                keys.add(key + ".*");
            } else {
                keys.add(key);
            }
        }
    }

    private static boolean documented(String key, List<String> readme) {
        String parent = key.substring(0, key.lastIndexOf('.') + 1);
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        return readme.stream().anyMatch(line -> line.startsWith("|") && (line.contains("`" + key + "`")
                || line.contains("`" + parent) && line.contains(" / `" + leaf + "`")));
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
