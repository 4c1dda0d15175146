// Which config keys the program reads. A misspelt key is otherwise silently ignored and its default
// used, so every key in the program's namespace must be one Pulumi.yaml declares, and every namespace
// one that this program or its providers read. Pure.

import { invisibleCharacter } from "./config-reader";

/** Namespaces read by this program (`membrane`), its providers, and the Pulumi engine itself. */
export const KNOWN_NAMESPACES = ["membrane", "aws", "mongodbatlas", "random", "tls", "pulumi"] as const;

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
    // Three rows of the matrix (a transposition looks two rows back), reused: this runs for every unknown key
    // against every declared one.
    let before = new Uint32Array(b.length + 1);
    let previous = Uint32Array.from({ length: b.length + 1 }, (_, j) => j);
    let current = new Uint32Array(b.length + 1);
    for (let i = 1; i <= a.length; i++) {
        current[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                d = Math.min(d, before[j - 2] + 1);
            }
            current[j] = d;
        }
        [before, previous, current] = [previous, current, before];
    }
    return previous[b.length];
}

/** The closest of `candidates` to `word` (ignoring case), if it is close enough to be a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    const w = word.toLowerCase();
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const c = candidate.toLowerCase();
        // The lengths' difference is a lower bound of the distance: this one can be no closer than the best so far.
        if (best && Math.abs(c.length - w.length) >= best.distance) {
            continue;
        }
        const distance = editDistance(w, c);
        if (!best || distance < best.distance) {
            best = { candidate, distance };
        }
    }
    // Two edits, or one in five characters for long names: a typo, not another word.
    return best && best.distance <= Math.max(2, Math.floor(word.length / 5)) ? best.candidate : undefined;
}

/**
 * One problem per key that the program would ignore: an undeclared key in `namespace`, or a key in a
 * namespace nobody reads. `declared` are the fully qualified keys of Pulumi.yaml.
 */
export function unknownKeyProblems(
    keys: readonly string[],
    namespace: string,
    declared: readonly string[],
): Array<{ key: string; rule: string }> {
    const problems: Array<{ key: string; rule: string }> = [];
    const declaredSet = new Set(declared);
    for (const key of keys) {
        const ns = key.slice(0, key.indexOf(":"));
        const known = (KNOWN_NAMESPACES as readonly string[]).includes(ns);
        if ((ns === namespace && declaredSet.has(key)) || (known && ns !== namespace)) {
            continue;
        }
        const suggestion = closest(key, declared);
        const invisible = invisibleCharacter(key);
        const hint = `${invisible ? `; its name holds an invisible character (${invisible}): type it again` : ""}${suggestion ? `; did you mean ${suggestion}?` : ""}`;
        const rule =
            ns === namespace
                ? `is not a setting of this program, so it would be ignored${hint} (Pulumi.yaml declares every key)`
                : `is in the namespace "${ns}", which neither this program nor its providers read, so it would be ignored${hint}`;
        problems.push({ key, rule });
    }
    return problems;
}
