package io.attache.testsupport.arch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The house rules bite: each fails on a fixture built to break it, naming what broke it. */
class HouseRulesTest {
  private static final String FIXTURE = "io.attache.testsupport.arch.fixture";
  private static final JavaClasses CLASSES = new ClassFileImporter().importPackages(FIXTURE);

  @Test
  void aPackageCycleFails() {
    assertThatThrownBy(() -> HouseRules.packagesAreFreeOfCycles(CLASSES, FIXTURE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Cycle detected")
        .hasMessageContaining("fixture.a")
        .hasMessageContaining("fixture.b");
  }

  @Test
  void aCoreUsingGrpcFails() {
    assertThatThrownBy(() -> HouseRules.coresAreFreeOfAdapters(CLASSES, FIXTURE + ".core.."))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ImpureCore")
        .hasMessageContaining("io.grpc.Status");
  }
}
