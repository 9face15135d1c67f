package io.attache.testsupport.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The house rules of DESIGN.md as ArchUnit checks, for each module's own test to run on its main
 * classes: pure cores (policy evaluation, limit arithmetic, xDS translation) import no gRPC, Kafka,
 * fabric8 or Lettuce type, and no module has a cycle between its packages.
 */
public final class HouseRules {
  /** What a core may not touch: the adapters' libraries. */
  private static final String[] ADAPTER_LIBRARIES = {
    "io.grpc..", "org.apache.kafka..", "io.fabric8..", "io.lettuce.."
  };

  private HouseRules() {}

  /** The main classes (no tests, no jars) under {@code rootPackage}. */
  public static JavaClasses mainClasses(String rootPackage) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages(rootPackage);
  }

  /** Fails, naming every offending dependency, if a class in {@code corePackages} uses one. */
  public static void coresAreFreeOfAdapters(JavaClasses classes, String... corePackages) {
    noClasses()
        .that()
        .resideInAnyPackage(corePackages)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ADAPTER_LIBRARIES)
        .because("cores are plain Java: gRPC, Kafka, Kubernetes and Redis belong to adapters")
        .check(classes);
  }

  /**
   * Fails, naming the cycle, if two packages of {@code classes} (imported from under {@code
   * rootPackage}) depend on each other; {@code rootPackage} itself counts as one of them.
   */
  public static void packagesAreFreeOfCycles(JavaClasses classes, String rootPackage) {
    String parent = rootPackage.substring(0, rootPackage.lastIndexOf('.'));
    // Matching from the parent makes the root package a slice too; only classes imported (those
    // under rootPackage) belong to any slice.
    slices().matching(parent + ".(**)").should().beFreeOfCycles().check(classes);
  }
}
