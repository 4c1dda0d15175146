// IAM's wildcard matching, as in Action, Resource and the *Like condition operators: `*` any run of
// characters, `?` any one. (The policy pack keeps a copy in policy/lib: a published pack holds only its own folder.)

/** Whether `value` matches the IAM pattern `pattern`; actions compare case-insensitively (`ignoreCase`). */
export function iamGlobMatches(pattern: string, value: string, ignoreCase = false): boolean {
    const source = pattern
        .replace(/[.+^${}()|[\]\\/]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}
