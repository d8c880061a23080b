package io.jobpulse.collector.store;

/** The RocksDB store failed (I/O, corruption, closed). */
public final class StoreException extends RuntimeException {
  StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
