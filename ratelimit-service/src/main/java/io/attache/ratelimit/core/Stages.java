package io.attache.ratelimit.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Completion stages on the hot path. The memory store answers at once, and a stage that is already
 * complete is read directly rather than given a callback and a new stage per call.
 */
final class Stages {
  private Stages() {}

  /** The value of a stage that has already completed normally; null if it has not (yet). */
  static <T> T valueIfDone(CompletionStage<T> stage) {
    if (stage instanceof CompletableFuture<T> future
        && future.isDone()
        && !future.isCompletedExceptionally()) {
      return future.join();
    }
    return null;
  }
}
