// Reads the YAML of stack files, cloud files and `--config` lists without ever crashing on what a user
// wrote: every problem (syntax, an alias to no anchor, an alias bomb, a tag, a key that is not text,
// bytes that are not UTF-8) comes back with its line and column and, inside a mapping, the key it is under.
//
// Scalars are read as the Pulumi CLI reads a stack file's config: it decodes each value into a Go
// string first (sdk/go/common/resource/config/value.go, unmarshalValue), and go-yaml then sets the
// scalar's text as written (decode.go: `out.SetString(n.Value)`): `8.0` stays "8.0", `0x10` stays
// "0x10", and a null (`~`, or nothing) is "". Lists and maps are objects: their scalars keep YAML's types.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar } from "yaml";

export interface YamlIssue {
    readonly line: number;
    readonly col: number;
    /** The top-level key (or `config` key) the problem is under, when there is one. */
    readonly key?: string;
    readonly message: string;
}

/** How a scalar is read: as YAML types it (`typed`), or as its text, as the Pulumi CLI reads a config value (`text`). */
export type ScalarMode = "typed" | "text";

/** Values a document may expand to, aliases included: a stack file has about a hundred; a billion-laughs file, billions. */
export const MAX_EXPANDED_VALUES = 10_000;

// Tags whose meaning both YAML readers agree on; any other (`!!binary`, `!!set`, `!Ref`) is refused.
const PLAIN_TAGS = new Set([
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
]);

/** The offset of the first byte of `bytes` that is not part of valid UTF-8, or -1. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
    for (let i = 0; i < bytes.length;) {
        const b = bytes[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
        if (n < 0 || i + n >= bytes.length) {
            return i;
        }
        for (let k = 1; k <= n; k++) {
            if ((bytes[i + k] & 0xc0) !== 0x80) {
                return i;
            }
        }
        // Overlong 3- and 4-byte forms, UTF-16 surrogates (ED A0..BF) and code points past U+10FFFF.
        const c = bytes[i + 1];
        if ((b === 0xe0 && c < 0xa0) || (b === 0xed && c >= 0xa0) || (b === 0xf0 && c < 0x90) || (b === 0xf4 && c >= 0x90)) {
            return i;
        }
        i += n + 1;
    }
    return -1;
}

/** Text that reads as a JavaScript string: decoded UTF-8, or an issue at the first byte that is not. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { issue: YamlIssue } {
    const bad = invalidUtf8Offset(bytes);
    if (bad >= 0) {
        const before = Buffer.from(bytes.subarray(0, bad)).toString("utf8");
        const lines = before.split("\n");
        return {
            issue: {
                line: lines.length,
                col: lines[lines.length - 1].length + 1,
                message: `byte 0x${bytes[bad].toString(16).padStart(2, "0")} is not UTF-8: save the file as UTF-8`,
            },
        };
    }
    const text = Buffer.from(bytes).toString("utf8");
    return { text: text.startsWith("\uFEFF") ? text.slice(1) : text };
}

class Reader {
    readonly issues: YamlIssue[] = [];
    private expanded = 0;
    private budgetReported = false;
    private readonly resolved = new Map<Node, Node | undefined>();

    constructor(
        private readonly doc: ReturnType<typeof parseDocument>,
        private readonly lines: LineCounter,
    ) {}

    private at(node: { range?: [number, number, number] | null } | null | undefined): { line: number; col: number } {
        const offset = node?.range?.[0] ?? 0;
        const { line, col } = this.lines.linePos(offset);
        return { line, col };
    }

    issue(node: { range?: [number, number, number] | null } | null | undefined, message: string, key?: string): void {
        this.issues.push({ ...this.at(node), ...(key !== undefined && { key }), message });
    }

    /** The node an alias stands for, or undefined (reported) when there is none or it contains the alias. */
    private target(node: Node, path: readonly Node[], key: string | undefined): Node | undefined {
        if (!isAlias(node)) {
            return node;
        }
        // Alias.resolve searches the whole document: once per alias node, however often it is expanded.
        if (!this.resolved.has(node)) {
            this.resolved.set(node, node.resolve(this.doc) as Node | undefined);
        }
        const found = this.resolved.get(node);
        if (!found) {
            this.issue(node, `the alias *${node.source} refers to no anchor &${node.source} defined before it`, key);
            return undefined;
        }
        if (path.includes(found)) {
            this.issue(node, `the alias *${node.source} is inside its own anchor &${node.source}`, key);
            return undefined;
        }
        return found;
    }

    /** Counts one more value of the expanded document; false once the budget is spent (reported once, where it ran out). */
    private count(node: Node, key: string | undefined): boolean {
        this.expanded++;
        if (this.expanded > MAX_EXPANDED_VALUES) {
            if (!this.budgetReported) {
                this.budgetReported = true;
                this.issue(
                    node,
                    `the aliases expand the document past ${MAX_EXPANDED_VALUES} values (an alias bomb?): write the values out instead of nesting aliases`,
                    key,
                );
            }
            return false;
        }
        return true;
    }

    private tagOk(node: Node, key: string | undefined): boolean {
        const tag = (node as { tag?: string }).tag;
        if (tag === undefined || PLAIN_TAGS.has(tag)) {
            return true;
        }
        const shown = tag.replace(/^tag:yaml\.org,2002:/, "!!");
        this.issue(
            node,
            `the tag ${shown} is not read the same by every YAML reader (Pulumi's reads none but the plain types): remove it`,
            key,
        );
        return false;
    }

    /** A scalar read as the Pulumi CLI reads a config value: its text; null is "". */
    private scalarText(node: Scalar): string {
        if (typeof node.value === "string") {
            return node.value;
        }
        if (node.value === null || node.value === undefined) {
            return "";
        }
        return node.source ?? String(node.value);
    }

    /** The key of a pair as text; undefined (reported) when it is not a scalar. */
    keyText(keyNode: unknown, where: string | undefined): string | undefined {
        const k = isAlias(keyNode) ? this.target(keyNode as Node, [], where) : (keyNode as Node | null);
        if (k === null || k === undefined) {
            return k === null ? "" : undefined;
        }
        if (!isScalar(k)) {
            this.issue(k, "a key must be text, not a list or a mapping", where);
            return undefined;
        }
        return this.scalarText(k);
    }

    /**
     * The JavaScript value of `node`: aliases resolved, merge keys (`<<`) merged, every problem recorded.
     * `mode` says how scalars are read; `key` is what a problem is reported under.
     */
    value(node: unknown, mode: ScalarMode, key: string | undefined, path: readonly Node[] = []): unknown {
        if (node === null || node === undefined) {
            return mode === "text" ? "" : null;
        }
        const n = this.target(node as Node, path, key);
        if (n === undefined || !this.count(node as Node, key) || !this.tagOk(n, key)) {
            return undefined;
        }
        const inner = [...path, n];
        if (isScalar(n)) {
            if (mode === "text") {
                return this.scalarText(n);
            }
            return typeof n.value === "bigint" ? Number(n.value) : n.value;
        }
        if (isSeq(n)) {
            return n.items.map((item) => this.value(item, "typed", key, inner));
        }
        if (isMap(n)) {
            return this.mapping(n, inner, (k, v, p) => this.value(v, "typed", key ?? k, p));
        }
        this.issue(n, "unexpected YAML node", key);
        return undefined;
    }

    /**
     * A mapping as an object, each value read by `valueOf`; `<<: *anchor` (or a list of them) merges the keys
     * the mapping does not set itself, as YAML's merge key does.
     */
    mapping(n: Node, path: readonly Node[], valueOf: ValueOf, key?: string): Record<string, unknown> {
        const own: Array<[string, unknown]> = [];
        const merged: Array<Array<[string, unknown]>> = [];
        for (const pair of isMap(n) ? n.items : []) {
            if (!isPair(pair)) {
                continue;
            }
            if (isScalar(pair.key) && pair.key.source === "<<" && pair.key.type === Scalar.PLAIN) {
                merged.push(...this.mergeSources(pair.value, path, valueOf, key));
                continue;
            }
            const k = this.keyText(pair.key, key);
            if (k !== undefined) {
                own.push([k, valueOf(k, pair.value, path)]);
            }
        }
        // Earlier merged mappings win over later ones, and the mapping's own keys over all of them.
        const out: Record<string, unknown> = {};
        for (const [k, v] of [...merged.reverse().flat(), ...own]) {
            Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        }
        return out;
    }

    private mergeSources(
        value: unknown,
        path: readonly Node[],
        valueOf: ValueOf,
        key: string | undefined,
    ): Array<Array<[string, unknown]>> {
        const v = isAlias(value) ? this.target(value as Node, path, key) : (value as Node | null);
        const sources = isSeq(v) ? v.items : [v];
        const out: Array<Array<[string, unknown]>> = [];
        for (const s of sources) {
            const m = isAlias(s) ? this.target(s as Node, path, key) : (s as Node | null);
            if (m === undefined) {
                continue;
            }
            if (!isMap(m)) {
                this.issue(m ?? (value as Node), "a merge key (<<) takes a mapping or a list of mappings", key);
                continue;
            }
            if (this.count(m, key)) {
                out.push(Object.entries(this.mapping(m, [...path, m], valueOf, key)));
            }
        }
        return out;
    }

    /** The mapping `node` (an alias resolved), or undefined when it is not one. */
    resolvedMap(node: unknown, path: readonly Node[]): Node | undefined {
        const n = isAlias(node) ? this.target(node as Node, path, undefined) : (node as Node | null);
        return isMap(n) ? n : undefined;
    }
}

type ValueOf = (key: string, node: unknown, path: readonly Node[]) => unknown;

export interface YamlDocument {
    /** The document's value (undefined where it could not be read); `configKey` values as the CLI reads them. */
    readonly value: unknown;
    readonly issues: readonly YamlIssue[];
}

/**
 * Reads YAML text. With `textUnder` (`config`), the values of that top-level mapping are read as the CLI reads
 * config values (scalars as their text); everything else is typed.
 */
export function readYaml(text: string, opts: { textUnder?: string } = {}): YamlDocument {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
    const syntax: YamlIssue[] = doc.errors.map((e) => {
        const at = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        // The yaml package ends its first line with the position, which the caller prints already.
        const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        // A repeated key: name it, as the reader of the message looks for it.
        const repeated =
            e.code === "DUPLICATE_KEY"
                ? /^[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#][^\n]*?))[ \t]*:(?:[ \t]|$)/m.exec(text.slice(e.pos[0]))
                : null;
        const key = repeated ? (repeated[1] ?? repeated[2] ?? repeated[3]) : undefined;
        return {
            line: at.line,
            col: at.col,
            ...(key !== undefined && { key }),
            message: key !== undefined ? `YAML syntax error: ${what}: ${key} is set twice; keep one` : `YAML syntax error: ${what}`,
        };
    });
    if (syntax.length > 0) {
        return { value: undefined, issues: syntax };
    }
    const reader = new Reader(doc, lines);
    const root = doc.contents as Node | null;
    const textUnder = opts.textUnder;
    const value =
        textUnder !== undefined && isMap(root)
            ? reader.mapping(root, [root], (k, node, path) => {
                  const config = k === textUnder ? reader.resolvedMap(node, path) : undefined;
                  return config
                      ? reader.mapping(config, [...path, config], (ck, v, p) => reader.value(v, "text", ck, p))
                      : reader.value(node, "typed", k, path);
              })
            : reader.value(root, "typed", undefined);
    const seen = new Set<string>();
    const issues = reader.issues.filter((i) => {
        const id = `${i.line}:${i.col}:${i.message}`;
        return seen.has(id) ? false : (seen.add(id), true);
    });
    return { value, issues };
}

/** `file:line:col: message` (with the key, when there is one). */
export function formatYamlIssue(file: string, issue: YamlIssue): string {
    return `${file}:${issue.line}:${issue.col}: ${issue.key !== undefined ? `${issue.key}: ` : ""}${issue.message}`;
}
