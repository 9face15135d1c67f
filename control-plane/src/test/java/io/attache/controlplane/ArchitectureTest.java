package io.attache.controlplane;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.attache.testsupport.arch.HouseRules;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's house rules for this module, checked on its main classes (see {@link HouseRules}).
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES = HouseRules.mainClasses("io.attache.controlplane");

  @Test
  void coresImportNoAdapterLibrary() {
    HouseRules.coresAreFreeOfAdapters(
        CLASSES,
        "io.attache.controlplane.model..",
        "io.attache.controlplane.translate..",
        "io.attache.controlplane.emissary..");
  }

  @Test
  void packagesHaveNoCycles() {
    HouseRules.packagesAreFreeOfCycles(CLASSES, "io.attache.controlplane");
  }
}
