package com.crm.shopifysync.bench;

import com.crm.shopifysync.model.WebhookDelivery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the payload file of Kafka's producer perf test ({@code ProducerPerformance --payload-file}, one payload a line)
 * for records of the size the gateway produces from {@link WrkScript}'s webhooks: each of the same signed bodies,
 * followed by the key and the headers the gateway adds to it (as text: the perf test sends no key and no headers), so
 * both write the same bytes per record and compress alike. Prints that record size.
 *
 * <p>Usage: {@code ProducerPayloads <output> [distinct bodies] [body bytes]} (the defaults of {@link WrkScript})
 */
public final class ProducerPayloads {

    private static final String TRACEPARENT = "traceparent" + "00-05495e631f5dcdec5f6b364aa7927780-c642d315b1a77e85-01";

    public static void main(String[] args) throws IOException {
        Path output = Path.of(args[0]);
        int distinct = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 3072;
        StringBuilder payloads = new StringBuilder();
        int bodyBytes = 0;
        int recordBytes = 0;
        for (int i = 0; i < distinct; i++) {
            byte[] body = WrkScript.body(i, size).getBytes(StandardCharsets.UTF_8);
            String extra = keyAndHeaders(body, "bench-1-" + (10_000 + i));
            payloads.append(new String(body, StandardCharsets.UTF_8)).append(extra).append('\n');
            bodyBytes += body.length;
            recordBytes += body.length + extra.getBytes(StandardCharsets.UTF_8).length;
        }
        Files.writeString(output, payloads);
        System.out.printf("wrote %s: %d payloads of %d bytes on average (%d-byte body + key and headers, as the gateway writes them)%n",
                output, distinct, recordBytes / distinct, bodyBytes / distinct);
    }

    /**
     * The gateway's record key and header names and values for a wrk request (see {@link WrkScript}), concatenated, with
     * the {@code traceparent} header the Kafka connector adds to every record.
     */
    private static String keyAndHeaders(byte[] body, String webhookId) {
        WebhookDelivery delivery = new WebhookDelivery("customers/update", "bench.myshopify.com", webhookId, Optional.of(webhookId),
                Optional.empty(), Optional.of("2026-01"), Instant.now());
        StringBuilder text = new StringBuilder(delivery.recordKey(body));
        for (Map.Entry<String, String> header : delivery.toHeaders().entrySet()) {
            text.append(header.getKey()).append(header.getValue());
        }
        return text.append(TRACEPARENT).toString();
    }
}
