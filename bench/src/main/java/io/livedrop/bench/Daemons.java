package io.livedrop.bench;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/** The benchmarks' own threads are daemons: a run that ends early (or fails) never waits on them. */
public final class Daemons {

    private Daemons() {
    }

    /** Daemon threads named {@code name}. */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public static Thread start(String name, Runnable work) {
        Thread t = named(name).newThread(work);
        t.start();
        return t;
    }

    public static ExecutorService pool(int threads, String name) {
        return Executors.newFixedThreadPool(threads, named(name));
    }

    /** An HTTP/1.1 client completing responses on {@code threads} daemons. */
    public static HttpClient httpClient(int threads, String name, Duration connectTimeout) {
        return HttpClient.newBuilder().executor(pool(threads, name)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).build();
    }
}
