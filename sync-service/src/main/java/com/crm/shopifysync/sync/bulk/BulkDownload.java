package com.crm.shopifysync.sync.bulk;

import com.crm.shopifysync.sync.shopify.ShopifyCallFailed;
import com.crm.shopifysync.sync.shopify.Pause;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Streams a bulk operation's result file into a {@link BulkFileReader} from the first line not yet applied, again
 * after a broken or stalled connection. A connection that delivers no byte for {@code sync.bulk.download-idle-timeout}
 * is given up and the file continued from its checkpoint: without that bound, a storage node that stops sending would
 * hold the sync (and its lease) forever.
 *
 * <p>{@link HttpURLConnection} because its read timeout bounds every read of the body; {@code java.net.http}'s request
 * timeout ends once the headers have arrived.
 */
final class BulkDownload {

    private static final Logger LOG = Logger.getLogger(BulkDownload.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Reads the file from the line after the given checkpoint. */
    interface Reader {
        BulkFileReader.Outcome read(InputStream body, long skipLines) throws IOException;
    }

    private final BulkSyncConfig config;

    BulkDownload(BulkSyncConfig config) {
        this.config = config;
    }

    /**
     * @param expectedLines the file's lines as Shopify counted them (0: not known); a file ending short of them was cut
     * @param checkpoint the lines of the file durably applied, read again before every attempt
     * @return false when the URL expired (the results are gone; the caller exports again from the cursor)
     */
    boolean apply(String what, String url, long expectedLines, java.util.function.LongSupplier checkpoint, Reader reader) {
        String lastFailure = null;
        for (int attempt = 1; attempt <= config.downloadAttempts(); attempt++) {
            long skip = checkpoint.getAsLong();
            HttpURLConnection connection = null;
            try {
                connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
                connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
                connection.setReadTimeout((int) config.downloadIdleTimeout().toMillis());
                connection.setInstanceFollowRedirects(true);
                int status = connection.getResponseCode();
                if (status == 400 || status == 403 || status == 404 || status == 410) {
                    LOG.warnf("the %s file is no longer available (HTTP %d)", what, status);
                    return false;
                }
                if (status != 200) {
                    lastFailure = "HTTP " + status;
                } else {
                    try (InputStream body = new WholeBody(connection.getInputStream(), connection.getContentLengthLong())) {
                        BulkFileReader.Outcome outcome = reader.read(body, skip);
                        if (expectedLines > 0 && outcome.lines() < expectedLines) {
                            throw new java.io.EOFException("the file ended after " + outcome.lines() + " of its " + expectedLines + " lines");
                        }
                        if (outcome.orphanedLineItems() > 0) {
                            LOG.warnf("%d line items of the %s file never met their order (it was not exported or a newer version "
                                    + "replaced it)", outcome.orphanedLineItems(), what);
                        }
                        return true;
                    }
                }
            } catch (IOException e) {
                lastFailure = "download broke: " + e;
                LOG.warnf("the %s download broke or stalled at attempt %d; continuing from the checkpoint: %s", what, attempt, e);
            } finally {
                if (connection != null) {
                    connection.disconnect();
                }
            }
            Pause.sleep(config.retryBackoff().multipliedBy(attempt));
        }
        throw new ShopifyCallFailed("the " + what + " download failed " + config.downloadAttempts() + " times; last: " + lastFailure, false);
    }

    /**
     * A body that ends before its Content-Length is a broken download, not the end of the file.
     * {@link HttpURLConnection} reports such a cut as an ordinary end of stream, which would hand the half-read last
     * line to the parser as if the file had ended there.
     */
    static final class WholeBody extends java.io.FilterInputStream {
        private final long length;
        private long read;

        WholeBody(InputStream body, long length) {
            super(body);
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(n);
            return n;
        }

        private void count(int n) throws java.io.EOFException {
            if (n >= 0) {
                read += n;
            } else if (length >= 0 && read < length) {
                throw new java.io.EOFException("the connection closed after " + read + " of the file's " + length + " bytes");
            }
        }
    }
}
