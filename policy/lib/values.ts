export const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

export const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** Case-insensitive property lookup: IAM condition operators and keys are not case-sensitive. */
export function getIgnoringCase(record: unknown, key: string): unknown {
    if (!isRecord(record)) {
        return undefined;
    }
    const match = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase());
    return match === undefined ? undefined : record[match];
}
