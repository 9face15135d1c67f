package io.attache.testsupport.redis;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link RedisServer} shared by the tests of one class (a fresh, empty server per class
 * is cheap: redis-server starts in tens of milliseconds). Fails with a clear message when
 * redis-server is not installed; {@code .ci/run} installs it.
 */
public final class RedisServerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisServerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RedisServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (!RedisServer.available()) {
      throw new IllegalStateException(
          "redis-server is not installed: run `apt-get install -y redis-server` (bash .ci/run does)");
    }
    return classContext(context)
        .getStore(NAMESPACE)
        .computeIfAbsent("redis", key -> RedisServer.start(), RedisServer.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }
}
