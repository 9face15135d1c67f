package io.attache.authz.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials kept in a file (a mounted Secret, say), re-read when its content changes. A change
 * that does not parse is logged with its problems and what was in force stays: a half-read file
 * would lock out everyone on the lines it could not read.
 *
 * @param <T> what the file holds once parsed
 */
public final class ReloadingFile<T> implements Supplier<T> {
  private static final Logger log = LoggerFactory.getLogger(ReloadingFile.class);

  private final Path file;
  private final String what;
  private final BiFunction<String, List<String>, T> parse;
  private final AtomicReference<T> current;
  private String lastContent;

  /**
   * Reads the file now; its problems are added to {@code problems} and then {@code empty} is in
   * force.
   *
   * @param what names the content in messages ({@code API keys}, {@code htpasswd users})
   * @param parse reads the content, adding each problem (prefixed with the file) to its list
   */
  public ReloadingFile(
      Path file,
      String what,
      T empty,
      BiFunction<String, List<String>, T> parse,
      List<String> problems) {
    this.file = file;
    this.what = what;
    this.parse = parse;
    this.current = new AtomicReference<>(empty);
    problems.addAll(reload());
  }

  @Override
  public T get() {
    return current.get();
  }

  /** Re-reads the file if it changed; returns the problems of this read (empty when fine). */
  public synchronized List<String> reload() {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return List.of(file + ": cannot read " + what + ": " + e.getMessage());
    }
    if (content.equals(lastContent)) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    T parsed = parse.apply(content, problems);
    if (problems.isEmpty()) {
      current.set(parsed);
      lastContent = content;
      log.info("{} loaded from {}", what, file);
    } else {
      problems.forEach(p -> log.error("{} rejected, keeping the previous ones: {}", what, p));
    }
    return problems;
  }
}
