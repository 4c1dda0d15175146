// Typed reads of raw stack config that collect every problem instead of stopping at the first, so a
// user fixes a stack file in one pass. Pure: the raw values come in as strings, as the CLI passes them.

/** Config as the program receives it: fully qualified keys, string values, and which keys were secret. */
export interface RawConfig {
    readonly values: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** The keys Pulumi.yaml declares, fully qualified: any other `membrane:` key is a typo. */
    readonly declaredKeys: readonly string[];
    /** The stack's name; its resource names come from `membrane:environment`, which should match it. */
    readonly stack: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export const NAMESPACE = "membrane";

/** The values that occur more than once in `list`, each once. */
export function duplicates(list: readonly string[]): string[] {
    return [...new Set(list.filter((v, i) => list.indexOf(v) !== i))];
}

/** `membrane:foo` for project keys; provider keys such as `aws:region` pass through. */
export function fullKey(key: string): string {
    return key.includes(":") ? key : `${NAMESPACE}:${key}`;
}

export class ConfigReader {
    readonly problems: string[] = [];

    constructor(private readonly raw: RawConfig) {}

    /** Every key the stack sets (defaults included). */
    keys(): string[] {
        return Object.keys(this.raw.values);
    }

    /** Records a broken rule for `key`: the message names the key, the rule and the value. */
    problem(key: string, rule: string): void {
        this.problems.push(`${fullKey(key)}: ${rule}`);
    }

    has(key: string): boolean {
        const v = this.raw.values[fullKey(key)];
        return v !== undefined && v !== "";
    }

    isSecret(key: string): boolean {
        return this.raw.secretKeys.includes(fullKey(key));
    }

    /** A string value; "" when unset. `required` reports a missing value. */
    string(key: string, opts: { required?: boolean } = {}): string {
        const v = this.raw.values[fullKey(key)] ?? "";
        if (opts.required && v === "") {
            this.problem(key, "is required and has no value");
        }
        return v;
    }

    /**
     * The value of a key that Pulumi.yaml declares with a default. The CLI always passes such a key, so
     * an absent one means a key missing from Pulumi.yaml: reported, never silently defaulted here, so
     * that Pulumi.yaml stays the one source of every default.
     */
    private declared(key: string): string | undefined {
        const v = this.raw.values[fullKey(key)];
        if (v === undefined) {
            this.problem(key, "has no value (its default belongs in Pulumi.yaml)");
        }
        return v;
    }

    /** A string that must be one of `allowed`. */
    oneOf<T extends string>(key: string, allowed: readonly T[]): T {
        const v = this.declared(key);
        if (v !== undefined && !(allowed as readonly string[]).includes(v)) {
            this.problem(key, `must be one of ${allowed.join(", ")} (got "${v}")`);
        }
        return (v ?? allowed[0]) as T;
    }

    boolean(key: string): boolean {
        const v = this.declared(key);
        if (v !== undefined && v !== "true" && v !== "false") {
            this.problem(key, `must be true or false (got "${v}")`);
        }
        return v === "true";
    }

    integer(key: string, range: { min?: number; max?: number; why?: string } = {}): number {
        const v = this.declared(key);
        if (v === undefined) {
            return NaN;
        }
        if (!/^-?\d+$/.test(v)) {
            this.problem(key, `must be a whole number (got "${v}")`);
            return NaN;
        }
        const n = Number(v);
        const { min, max, why } = range;
        if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
            const bounds =
                min !== undefined && max !== undefined
                    ? `between ${min} and ${max}`
                    : min !== undefined
                      ? `at least ${min}`
                      : `at most ${max}`;
            this.problem(key, `must be ${bounds}${why ? ` (${why})` : ""} (got ${n})`);
        }
        return n;
    }

    /** A list of strings, given in the stack file as a YAML list (passed to the program as JSON). */
    list(key: string, opts: { required?: boolean } = {}): string[] {
        const v = this.raw.values[fullKey(key)];
        if (v === undefined || v === "") {
            this.problem(key, opts.required ? "is required and has no value" : "has no value (its default belongs in Pulumi.yaml)");
            return [];
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(v);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || !parsed.every((e) => typeof e === "string")) {
            this.problem(key, `must be a list of strings (got ${v})`);
            return [];
        }
        if (opts.required && parsed.length === 0) {
            this.problem(key, "must not be empty");
        }
        return parsed;
    }

    /**
     * A value that must be stored encrypted (`pulumi config set --secret`): a plain-text value is
     * refused, because it would sit in the stack file and in state in the clear.
     */
    secret(key: string): string {
        const v = this.string(key);
        if (v !== "" && !this.isSecret(key)) {
            this.problem(key, `holds a plain-text value; store it encrypted: pulumi config set --secret ${fullKey(key)} <value>`);
        }
        return v;
    }
}
