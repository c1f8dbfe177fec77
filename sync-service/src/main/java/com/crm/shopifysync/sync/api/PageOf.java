package com.crm.shopifysync.sync.api;

import java.util.List;

/** One page of a list: {@code page} counts from 0. */
public record PageOf<T>(List<T> items, int page, int size, long total) {

    public static final int MAX_SIZE = 250;

    /** Whether a requested page can be served: page from 0, size from 1 to {@link #MAX_SIZE}. */
    public static boolean isValid(int page, int size) {
        return page >= 0 && size >= 1 && size <= MAX_SIZE;
    }
}
