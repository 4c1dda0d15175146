// The settings readers, tested without an engine: what an Input they return holds (and whether the
// component that receives it gets a secret), and one table-driven test of refusals for every reader.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { PROJECT_DIR } from "../../tools/engine";
import { loadProject } from "../../lib/stack-files";
import { problemsOf } from "../harness";

/** The value of `input` (an Output is awaited), and whether it is secret. */
export async function resolved<T>(input: pulumi.Input<T> | undefined): Promise<{ value: T | undefined; secret: boolean }> {
    const out = pulumi.output(input);
    // Output's promise() is the SDK's own way to await a value; it is not in its typings.
    const value = (await (out as unknown as { promise(): Promise<T> }).promise()) as T | undefined;
    return { value, secret: await pulumi.isSecret(out) };
}

/**
 * A stack config the readers refuse: what it is, the values over VALID, and the problem, either the whole of
 * it (then the only one) or a pattern that one of the problems matches.
 */
export type Refusal = readonly [what: string, values: Readonly<Record<string, unknown>>, problem: string | RegExp];

// A problem begins with the keys it is about: `membrane:vpcId: ...`, `aws:region: ...`,
// `membrane:namePrefix and membrane:environment: ...`, `membrane:a, membrane:b and membrane:c: ...`.
const KEY = "[a-z][a-z-]*:[A-Za-z][A-Za-z0-9]*";
const NAMED = new RegExp(`^(${KEY}(?:(?:, | and )${KEY})*): `);

/** The keys a problem names, or [] when it names none. */
export function keysNamed(problem: string): string[] {
    const m = NAMED.exec(problem);
    return m ? m[1].split(/, | and /) : [];
}

// The keys a refusal may name: the contract's, and the provider's own ones the program reads.
const CONTRACT = new Set([...Object.keys(loadProject(PROJECT_DIR).config), "aws:region", "aws:skipRegionValidation"]);

/**
 * One test per refusal: VALID with the refusal's values is refused with its problem, and every problem names
 * the keys it is about, each a key of Pulumi.yaml (or one the values set, as a misspelt key is).
 */
export function itRefuses(refusals: readonly Refusal[]): void {
    for (const [what, values, problem] of refusals) {
        it(`refuses ${what}`, () => {
            const problems = problemsOf({ ...values });
            if (typeof problem === "string") {
                expect(problems).to.deep.equal([problem]);
            } else {
                expect(
                    problems.some((p) => problem.test(p)),
                    problems.join("\n"),
                ).to.equal(true);
            }
            const set = Object.keys(values).map((k) => (k.includes(":") ? k : `membrane:${k}`));
            for (const p of problems) {
                const keys = keysNamed(p);
                expect(keys, `names no key: ${p}`).to.not.deep.equal([]);
                expect(
                    keys.filter((k) => !CONTRACT.has(k) && !set.includes(k)),
                    p,
                ).to.deep.equal([]);
            }
        });
    }
}
