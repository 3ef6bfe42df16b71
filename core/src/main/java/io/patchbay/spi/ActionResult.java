package io.patchbay.spi;

/**
 * The output of an action as JSON-like values (String, Number, Boolean, List, Map, or null), matching the
 * action's output schema. Binary content is returned base64-encoded inside the object.
 */
public record ActionResult(Object output) {
}
