package io.patchbay.spi;

/** How a credential field is entered and treated. Only {@link #SECRET} values are sealed and hinted. */
public enum FieldType {
    TEXT,
    SECRET,
    EMAIL
}
