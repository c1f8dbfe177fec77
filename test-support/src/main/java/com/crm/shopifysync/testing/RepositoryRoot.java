package com.crm.shopifysync.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's root from wherever a module's tests run. */
public final class RepositoryRoot {

    private RepositoryRoot() {
    }

    public static Path find() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isExecutable(candidate.resolve("deploy/local/kafka.sh"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no deploy/local/kafka.sh above " + dir);
    }
}
