package io.livedrop.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of every benchmark that runs livedrop instances (a picocli mixin). */
public final class AppOptions {

    @Option(names = "--app-jar", description = "the application (default query-api/target/livedrop.jar)")
    public Path appJar = Path.of("query-api/target/livedrop.jar");
    @Option(names = "--broker", description = "child|in-process: the Kafka broker in a child JVM (default) or in this JVM")
    public String broker = "child";
    @Option(names = "--app-args", split = ",", description = "K=V,...: extra Spring settings for the instances (--K=V),"
            + " for experiments, e.g. management.observations.enable.spring.security=false; shown in the report")
    Map<String, String> appArgs = new LinkedHashMap<>();
    @Option(names = "--app-java", split = ",", description = "JDK homes to run the instances with, `default` ="
            + " this JVM's (default); notify runs each in turn, side by side in one report (the other benchmarks do"
            + " not take it yet), e.g. default,/usr/lib/jvm/temurin-25-jdk-amd64")
    List<String> appJava = List.of("default");

    /** The JDK homes of {@code --app-java}. */
    public List<Path> javaHomes() {
        return appJava.stream().map(j -> Path.of(j.equals("default") ? System.getProperty("java.home") : j)).toList();
    }

    public List<String> appArgs() {
        return appArgs.entrySet().stream()
                .map(e -> (e.getKey().startsWith("--") ? "" : "--") + e.getKey() + "=" + e.getValue()).toList();
    }
}
