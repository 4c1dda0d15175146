// IAM's wildcard matching, as in Action, Resource and the *Like condition operators: `*` any run of
// characters, `?` any one. The programs' copy is lib/glob.ts: a published pack holds only this folder.

/** Whether `value` matches the IAM pattern `pattern`; actions compare case-insensitively (`ignoreCase`). */
export function iamGlobMatches(pattern: string, value: string, ignoreCase = false): boolean {
    const source = pattern
        .replace(/[.+^${}()|[\]\\/]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}
