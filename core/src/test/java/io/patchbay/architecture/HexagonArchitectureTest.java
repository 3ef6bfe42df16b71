package io.patchbay.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Guards the hexagon: the SPI stays JDK-only, the application stays free of adapter technology. */
class HexagonArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.patchbay");

    @Test
    void spiUsesOnlyTheJdk() {
        classes().that().resideInAPackage("io.patchbay.spi..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.patchbay.spi..", "java..")
                .check(PRODUCTION);
    }

    @Test
    void applicationIgnoresAdapterTechnology() {
        noClasses().that()
            .resideInAPackage("io.patchbay.core..")
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "io.netty..", "org.jdbi..",
                    "retrofit2..", "com.squareup..", "org.flywaydb..", "com.google.crypto..", "java.sql..")
                .check(PRODUCTION);
    }

    @Test
    void onlyTheEmbeddersProxySpeaksHttp() {
        noClasses().that()
            .resideInAPackage("io.patchbay.core..")
            .and().resideOutsideOfPackage("io.patchbay.core.proxy..")
            .should().dependOnClassesThat().resideInAnyPackage("java.net.http..")
                .check(PRODUCTION);
    }

    @Test
    void onlyWiringKnowsGuice() {
        noClasses().that().resideInAPackage("io.patchbay.core..")
            .and().doNotHaveSimpleName("HubModule")
            .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..")
                .check(PRODUCTION);
    }

    @Test
    void domainDoesNotReachIntoDiscovery() {
        noClasses().that()
            .resideInAnyPackage("io.patchbay.core.account..", "io.patchbay.core.action..", "io.patchbay.core.catalog..")
            .should().dependOnClassesThat().resideInAPackage("io.patchbay.core.plugin..")
                .check(PRODUCTION);
    }

    @Test
    void spiDoesNotKnowTheCore() {
        noClasses().that().resideInAPackage("io.patchbay.spi..")
            .should().dependOnClassesThat().resideInAPackage("io.patchbay.core..")
                .check(PRODUCTION);
    }
}
