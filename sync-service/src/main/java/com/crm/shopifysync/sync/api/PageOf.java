package com.crm.shopifysync.sync.api;

import java.util.List;

/** One page of a list: {@code page} counts from 0. */
public record PageOf<T>(List<T> items, int page, int size, long total) {

    public static final int MAX_SIZE = 250;
}
