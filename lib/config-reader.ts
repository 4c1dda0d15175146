// Typed reads of raw stack config that collect every problem instead of stopping at the first, so a
// user fixes a stack file in one pass. Pure: the raw values come in as strings, as the CLI passes them.
// Both programs read their config with it: the Membrane program (namespace `membrane`) and the
// deployments program (`membrane-deployments`).

/** Config as the program receives it: fully qualified keys, string values, and which keys were secret. */
export interface RawConfig {
    readonly values: Readonly<Record<string, string>>;
    readonly secretKeys: readonly string[];
    /** The keys Pulumi.yaml declares, fully qualified: any other `membrane:` key is a typo. */
    readonly declaredKeys: readonly string[];
    /** The stack's name; its resource names come from `membrane:environment`, which should match it. */
    readonly stack: string;
    /** Pulumi.yaml's defaults, fully qualified, which `values` already holds where the stack sets nothing. */
    readonly defaults?: Readonly<Record<string, unknown>>;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export const NAMESPACE = "membrane";

/**
 * The keys that hold credentials, which the program reads with `ConfigReader.secret` and refuses in plain
 * text (Pulumi.yaml cannot mark them `secret: true`: the CLI would refuse their plain "" defaults too).
 * A key is secret because it is listed here, never because of its name.
 */
export const SECRET_KEYS: readonly string[] = ["existingSecret", "existingEncryptionSecret", "externalMongoUri"];

// Characters nobody can see or type on purpose in a name, an address or an id: controls (a tab, a NUL),
// format characters (zero-width spaces and joiners, bidirectional overrides, the BOM), private use,
// line and paragraph separators, every space but U+0020, the other default-ignorable code points, and
// UTF-16 halves without their other half, which no UTF-8 file or AWS API can carry.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/u;
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/** The first invisible character of `value` as `U+200B at position 4`, or undefined. */
export function invisibleCharacter(value: string): string | undefined {
    const m = INVISIBLE.exec(value);
    if (!m) {
        return undefined;
    }
    const code = m[0].codePointAt(0)!;
    return `U+${code.toString(16).toUpperCase().padStart(4, "0")} at position ${[...value.slice(0, m.index)].length + 1}`;
}

/** True when `value` holds half of a UTF-16 surrogate pair alone, which UTF-8 cannot encode. */
export function hasUnpairedSurrogate(value: string): boolean {
    return UNPAIRED_SURROGATE.test(value);
}

/** A value as a message shows it: quoted, with every invisible character written as \u{…}. */
export function shown(value: string): string {
    const escaped = [...value].map((c) => (INVISIBLE.test(c) ? `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}` : c)).join("");
    return `"${escaped.replace(/"/g, '\\"')}"`;
}

/** The range every integer key has: documented in Pulumi.yaml's description as "<min> to <max>". */
export interface IntegerRange {
    readonly min: number;
    readonly max: number;
    /** Why the bounds are what they are, when it is not obvious. */
    readonly why?: string;
    /** The only values the service takes, when it takes a list (min and max are its first and last). */
    readonly allowed?: { readonly values: readonly number[]; readonly what: string };
}

/** The values that occur more than once in `list`, each once. */
export function duplicates(list: readonly string[]): string[] {
    return [...new Set(list.filter((v, i) => list.indexOf(v) !== i))];
}

/** `membrane:foo` for project keys (of `namespace`); provider keys such as `aws:region` pass through. */
export function fullKey(key: string, namespace = NAMESPACE): string {
    return key.includes(":") ? key : `${namespace}:${key}`;
}

export class ConfigReader {
    readonly problems: string[] = [];
    /** Not errors, but worth saying before a deploy (printed by the program and by `npm start`). */
    readonly warnings: string[] = [];
    /** Keys refused for an invisible character: one problem says so, and the rules that would only repeat it are silent. */
    private readonly garbled = new Set<string>();

    constructor(
        private readonly raw: Pick<RawConfig, "values" | "secretKeys" | "defaults">,
        /** The project's namespace: a bare key is read as `<namespace>:<key>`. */
        readonly namespace = NAMESPACE,
    ) {}

    private key(key: string): string {
        return fullKey(key, this.namespace);
    }

    /** Every key the stack sets (defaults included). */
    keys(): string[] {
        return Object.keys(this.raw.values);
    }

    /** Records a broken rule for `key`: the message names the key, the rule and the value. */
    problem(key: string, rule: string): void {
        if (this.garbled.has(this.key(key))) {
            return;
        }
        this.problems.push(`${this.key(key)}: ${rule}`);
    }

    /** Records a warning: a setting that is accepted but worth a second look. */
    warn(warning: string): void {
        this.warnings.push(warning);
    }

    /** Refuses a value with a character nobody can see: it would be part of a name, an address or an id. */
    private visible(key: string, value: string, item = false): void {
        const where = invisibleCharacter(value);
        if (where && !this.garbled.has(this.key(key))) {
            this.problem(
                key,
                `${item ? `lists ${shown(value)}, which contains` : "contains"} an invisible character (${where}), which would become part of the name, address or id: type the value again${item ? "" : ` (got ${shown(value)})`}`,
            );
            this.garbled.add(this.key(key));
        }
    }

    has(key: string): boolean {
        const v = this.raw.values[this.key(key)];
        return v !== undefined && v !== "";
    }

    /**
     * Whether the stack gives `key` a value other than Pulumi.yaml's default (the CLI hands the program both
     * alike): any value it holds, for a key without a default.
     */
    changed(key: string): boolean {
        if (!this.has(key)) {
            return false;
        }
        const value = this.raw.values[this.key(key)];
        const def = this.raw.defaults?.[this.key(key)];
        if (def === undefined) {
            return true;
        }
        if (typeof def === "string") {
            return value !== def;
        }
        try {
            return JSON.stringify(JSON.parse(value)) !== JSON.stringify(def);
        } catch {
            return true;
        }
    }

    isSecret(key: string): boolean {
        return this.raw.secretKeys.includes(this.key(key));
    }

    /** The value as given, unchecked: for rules on secret values, which must never be echoed. */
    unchecked(key: string): string {
        return this.raw.values[this.key(key)] ?? "";
    }

    /** A string value; "" when unset. `required` reports a missing value. */
    string(key: string, opts: { required?: boolean } = {}): string {
        const v = this.raw.values[this.key(key)] ?? "";
        if (opts.required && v === "") {
            this.problem(key, "is required and has no value");
        }
        this.visible(key, v);
        return v;
    }

    /**
     * The value of a key that Pulumi.yaml declares with a default. The CLI always passes such a key, so
     * an absent one means a key missing from Pulumi.yaml: reported, never silently defaulted here, so
     * that Pulumi.yaml stays the one source of every default.
     */
    private declared(key: string): string | undefined {
        const v = this.raw.values[this.key(key)];
        if (v === undefined) {
            this.problem(key, "has no value (its default belongs in Pulumi.yaml)");
        } else {
            this.visible(key, v);
        }
        return v;
    }

    /** A string that must be one of `allowed`. */
    oneOf<T extends string>(key: string, allowed: readonly T[]): T {
        const v = this.declared(key);
        if (v !== undefined && !(allowed as readonly string[]).includes(v)) {
            this.problem(key, `must be one of ${allowed.join(", ")} (got ${shown(v)})`);
        }
        return (v ?? allowed[0]) as T;
    }

    boolean(key: string): boolean {
        const v = this.declared(key);
        if (v !== undefined && v !== "true" && v !== "false") {
            this.problem(key, `must be true or false (got ${shown(v)})`);
        }
        return v === "true";
    }

    /**
     * A whole number between `range.min` and `range.max`. Every integer key has both bounds (Pulumi.yaml's
     * description states them): far below 2^53, so a number is never rounded on its way to a resource.
     */
    integer(key: string, range: IntegerRange): number {
        const v = this.declared(key);
        if (v === undefined) {
            return NaN;
        }
        if (!/^-?\d+$/.test(v)) {
            this.problem(key, `must be a whole number (got ${shown(v)})`);
            return NaN;
        }
        const n = Number(v);
        const { min, max, why, allowed } = range;
        if (allowed && !allowed.values.includes(n)) {
            this.problem(key, `must be one of ${allowed.what}: ${allowed.values.join(", ")} (got ${v})`);
        } else if (BigInt(v) < BigInt(min) || BigInt(v) > BigInt(max)) {
            this.problem(key, `must be between ${min} and ${max}${why ? ` (${why})` : ""} (got ${v})`);
        }
        return n;
    }

    /** A list of strings, given in the stack file as a YAML list (passed to the program as JSON). */
    list(key: string, opts: { required?: boolean } = {}): string[] {
        const v = this.raw.values[this.key(key)];
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
        for (const item of parsed) {
            this.visible(key, item, true);
        }
        return parsed;
    }

    /**
     * A value that must be stored encrypted (`pulumi config set --secret`): a plain-text value is
     * refused, because it would sit in the stack file and in state in the clear.
     */
    secret(key: string): string {
        if (!SECRET_KEYS.includes(key)) {
            throw new Error(`${this.key(key)} is read as a secret but SECRET_KEYS does not list it`);
        }
        const v = this.raw.values[this.key(key)] ?? "";
        if (v !== "" && !this.isSecret(key)) {
            this.problem(
                key,
                `holds a plain-text value; store it encrypted: pulumi config set --secret ${this.key(key)} <value> (for one offline run: npm start -- --secret ${this.key(key)}=<value>)`,
            );
        }
        if (hasUnpairedSurrogate(v)) {
            this.problem(key, "holds half of a UTF-16 surrogate pair alone, which UTF-8 cannot encode (the value is secret and not shown)");
        }
        return v;
    }
}
