import { UnknownValueError } from "@pulumi/policy";

/**
 * During preview the policy SDK wraps props in a proxy that throws `UnknownValueError` when a
 * value is not known yet; left uncaught, the SDK turns that into an advisory "can't run policy
 * during preview". `UNKNOWN` lets a policy catch it where a narrower answer is possible.
 */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

export function readKnown<T>(read: () => T): T | Unknown {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return UNKNOWN;
        }
        throw e;
    }
}

/** True when a value is given: non-empty, or unknown during preview (e.g. a secret from another resource). */
export function isSet(read: () => unknown): boolean {
    const value = readKnown(read);
    if (value === UNKNOWN) {
        return true;
    }
    if (value === undefined || value === null || value === "") {
        return false;
    }
    return !Array.isArray(value) || value.length > 0;
}

export function knownString(read: () => unknown): string | undefined {
    const value = readKnown(read);
    return typeof value === "string" ? value : undefined;
}
