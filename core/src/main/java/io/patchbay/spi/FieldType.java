package io.patchbay.spi;

/** How a credential field is entered and treated. */
public enum FieldType {
    TEXT,
    /** Sealed, masked, and hinted by its last characters (an API token the provider generated). */
    SECRET,
    EMAIL,
    /**
     * Sealed and masked like {@link #SECRET}, but never hinted: the user chose it and may use it elsewhere, so
     * not even its last characters are shown.
     */
    PASSWORD
}
