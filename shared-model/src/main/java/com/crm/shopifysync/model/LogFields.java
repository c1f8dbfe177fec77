package com.crm.shopifysync.model;

import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.MDC;

/**
 * Fields of the log lines written while it is open: {@code shop}, {@code topic}, {@code eventId}, {@code syncId}. The
 * JSON log format (prod profile) writes the MDC as fields, so logs can be searched by shop, event or sync; a field
 * with a null value is left out.
 *
 * <pre>{@code try (LogFields fields = LogFields.of(LogFields.SHOP, shop, LogFields.TOPIC, topic)) { LOG.warn(...); }}</pre>
 */
public final class LogFields implements AutoCloseable {

    public static final String SHOP = "shop";
    public static final String TOPIC = "topic";
    public static final String EVENT_ID = "eventId";
    public static final String SYNC_ID = "syncId";

    private final List<String> keys = new ArrayList<>();

    private LogFields() {
    }

    /** Alternating names and values. */
    public static LogFields of(Object... namesAndValues) {
        LogFields fields = new LogFields();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                String key = namesAndValues[i].toString();
                MDC.put(key, namesAndValues[i + 1].toString());
                fields.keys.add(key);
            }
        }
        return fields;
    }

    @Override
    public void close() {
        keys.forEach(MDC::remove);
    }
}
