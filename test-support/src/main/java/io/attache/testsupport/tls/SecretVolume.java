package io.attache.testsupport.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A directory updated the way the kubelet updates a mounted Secret: each version's files are
 * written to a fresh hidden directory, {@code ..data} is a symlink to it, swapped atomically by a
 * rename, and each key ({@code tls.crt}) is a symlink through {@code ..data}. A reader sees the old
 * set or the new set of files, never a mix, and the files' own paths never change.
 */
public final class SecretVolume {
  private final Path directory;
  private final AtomicInteger versions = new AtomicInteger();

  public SecretVolume(Path directory) {
    this.directory = directory;
  }

  public Path file(String key) {
    return directory.resolve(key);
  }

  /** Publishes a new version of the Secret's data (keys to contents). */
  public void write(Map<String, String> data) {
    try {
      Files.createDirectories(directory);
      Path version = directory.resolve("..version_" + versions.incrementAndGet());
      Files.createDirectory(version);
      for (Map.Entry<String, String> entry : data.entrySet()) {
        Files.writeString(
            version.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
      }
      Path next = directory.resolve("..data_tmp");
      Files.deleteIfExists(next);
      Files.createSymbolicLink(next, version.getFileName());
      Files.move(next, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      for (String key : data.keySet()) {
        Path link = directory.resolve(key);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data", key));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
