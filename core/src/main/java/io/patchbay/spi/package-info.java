/**
 * The connector SPI: the small, stable surface a connector jar is written against.
 *
 * <p>Only {@code java.*} types appear here, so a connector loaded in its own class loader shares nothing with the
 * host but this package. A connector ships a {@link io.patchbay.spi.ConnectorFactory} registered in
 * {@code META-INF/services/io.patchbay.spi.ConnectorFactory} and, to be dropped into a {@code connectors/} folder,
 * a descriptor at {@value io.patchbay.spi.SpiVersion#DESCRIPTOR_PATH}.
 */
package io.patchbay.spi;
