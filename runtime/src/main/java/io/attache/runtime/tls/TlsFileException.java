package io.attache.runtime.tls;

import java.nio.file.Path;

/** A certificate or key file that cannot be used, with the file's path and the reason. */
public final class TlsFileException extends Exception {
  private final Path file;
  private final String reason;

  public TlsFileException(Path file, String reason) {
    super(file + ": " + reason);
    this.file = file;
    this.reason = reason;
  }

  /** What is wrong, without the path. */
  public String reason() {
    return reason;
  }

  public Path file() {
    return file;
  }
}
