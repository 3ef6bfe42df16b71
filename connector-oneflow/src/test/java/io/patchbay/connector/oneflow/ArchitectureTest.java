package io.patchbay.connector.oneflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The connector talks to the host through the SPI only; the fake stays reusable by other modules' tests. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.patchbay.connector.oneflow");
    private static final JavaClasses FAKE = new ClassFileImporter()
            .importPackages("io.patchbay.connector.oneflow.fake");

    @Test
    void connectorUsesOnlyTheSpiOfPatchbay() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.patchbay.core..").check(MAIN);
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.patchbay.spi..",
                "io.patchbay.connector.oneflow..", "io.patchbay.connector.support..", "retrofit2..", "okhttp3..",
                "okio..", "com.squareup.moshi..", "dev.failsafe..").check(MAIN);
    }

    @Test
    void fakeDependsOnlyOnMockWebServerOkHttpMoshiAndTheJdk() {
        classes().that().resideInAPackage("io.patchbay.connector.oneflow.fake").and().haveSimpleNameNotEndingWith("Test")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "mockwebserver3..", "okhttp3..",
                        "okio..", "com.squareup.moshi..", "io.patchbay.connector.oneflow.fake..", "kotlin..")
                .check(FAKE);
    }
}
