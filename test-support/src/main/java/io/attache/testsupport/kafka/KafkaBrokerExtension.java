package io.attache.testsupport.kafka;

import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the test JVM's shared {@link EmbeddedKafkaBroker}, started on first use and closed when
 * the whole test run ends, so every test class of a module shares one broker.
 *
 * <p>Tests that stop the broker on purpose must not use the shared one: they call {@link
 * EmbeddedKafkaBroker#startNew()} and close it themselves.
 */
public final class KafkaBrokerExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  /** The broker shared by every test in this JVM. */
  public static EmbeddedKafkaBroker shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(
            "broker", key -> EmbeddedKafkaBroker.startNew(), EmbeddedKafkaBroker.class);
  }
}
