package io.attache.authz;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.attache.testsupport.arch.HouseRules;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's house rules for this module, checked on its main classes (see {@link HouseRules}).
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES = HouseRules.mainClasses("io.attache.authz");

  @Test
  void coresImportNoAdapterLibrary() {
    HouseRules.coresAreFreeOfAdapters(
        CLASSES,
        "io.attache.authz.core..",
        "io.attache.authz.decision..",
        "io.attache.authz.policy..",
        "io.attache.authz.rules..");
  }

  @Test
  void packagesHaveNoCycles() {
    HouseRules.packagesAreFreeOfCycles(CLASSES, "io.attache.authz");
  }
}
