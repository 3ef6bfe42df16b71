package io.patchbay.connector.support;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** A drop-in connector bundles this library, and the host shares only the SPI with it: nothing of Patchbay here. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.patchbay.connector.support");

    @Test
    void usesOnlyTheJdkOkHttpAndRetrofit() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.patchbay.connector.support..",
                "okhttp3..", "okio..", "retrofit2..").check(MAIN);
    }
}
