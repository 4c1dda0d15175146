// Property-based tests: generated stack files, --config values and .env variables, from the contract in
// Pulumi.yaml (every key, its type, its bounds) and hostile variants of them. The invariants: nothing
// crashes or prints a stack trace; a refusal names the key it is about (and the file position of a YAML
// problem); an accepted value reaches the program as written; the .env writer's output reads back exactly.
// Fixed seed and runs (test/fuzz.ts, fuzzParameters); MEMBRANE_FUZZ_RUNS=<factor> for a longer local search.
import { expect } from "chai";
import { spawnSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { DotenvFormatError, formatDotenv } from "../../components/outputs/dotenv";
import { SECRET_KEYS } from "../../lib/config-reader";
import { configOverride, parseArgs } from "../../tools/plan";
import { main as dotenvMain, readDockerEnvFile } from "../../tools/dotenv";
import { REQUIRED_VARIABLES } from "../../components/outputs/env";
import { UsageError } from "../../tools/cli";
import {
    Mutation,
    Trick,
    anyMutation,
    anyTrick,
    BASE,
    CONTRACT,
    fuzzParameters,
    fuzzTimeout,
    mutationOf,
    names,
    outcomeOf,
    outcomeOfConfig,
    PROJECT,
    STACK_TRACE,
    stackFileText,
    toYaml,
    trickFile,
} from "../fuzz";
import { tempDir } from "../support/tmp";

/** The number of generated cases each property ran, for the suite's report. */
const ran: Record<string, number> = {};
function check<T>(name: string, arb: fc.Arbitrary<T>, runs: number, predicate: (t: T) => void): void {
    const params = fuzzParameters(runs);
    ran[name] = params.numRuns;
    fc.assert(fc.property(arb, predicate), params);
}

describe("the config contract, read from Pulumi.yaml", function () {
    this.timeout(fuzzTimeout());
    it("states for every integer key its bounds, far below 2^53, and the program enforces exactly those", () => {
        const integers = CONTRACT.filter((k) => k.type === "integer");
        expect(integers.length).to.be.greaterThan(20);
        for (const k of integers) {
            expect(k.min, `${k.key}: Pulumi.yaml's description states "(<min> to <max>)"`).to.be.a("number");
            expect(k.max! < 2 ** 53, k.key).to.equal(true);
            const refusals = (n: number) => outcomeOfConfig({ ...BASE, [k.key]: String(n) }).problems.filter((p) => names(p, k.key));
            // A value inside the bounds breaks no rule of the key's own range (it may break another key's rule with it).
            for (const n of [k.min!, k.max!]) {
                expect(
                    refusals(n).filter((p) => /must be between|must be one of/.test(p)),
                    `${k.key}=${n}`,
                ).to.deep.equal([]);
            }
            for (const n of [k.min! - 1, k.max! + 1]) {
                expect(refusals(n), `${k.key}=${n}`).to.not.deep.equal([]);
            }
        }
    });

    it("makes a key secret because the program lists it, never because of its name", () => {
        for (const k of CONTRACT.filter((c) => c.type === "string" && c.key.startsWith("membrane:"))) {
            const bare = k.key.slice("membrane:".length);
            const plain = outcomeOfConfig({ ...BASE, [k.key]: "plain-text-value" }).problems.filter((p) => /plain-text value/.test(p));
            expect(plain.length > 0, k.key).to.equal(SECRET_KEYS.includes(bare));
        }
    });
});

describe("generated stack files", function () {
    this.timeout(fuzzTimeout());
    /** One mutated key in the staging fixture, maybe with a YAML trick around it. */
    const oneKey = ([m, trick]: [Mutation, Trick]) => {
        const file = trickFile(m, trick);
        const { problems, values } = outcomeOf(file.text);
        for (const p of problems) {
            expect(p, "a message, not a stack trace").to.not.match(STACK_TRACE);
        }
        if (file.position) {
            expect(problems.length, file.text).to.be.greaterThan(0);
            expect(
                problems.some((p) => /^Pulumi\.fuzz\.yaml:\d+:\d+: /.test(p) && names(p, file.key)),
                `${problems.join("\n")}\n--- in ---\n${file.text}`,
            ).to.equal(true);
            return;
        }
        const received = values?.[m.key];
        const accepted = problems.length === 0;
        if (accepted) {
            expect(received, `${m.key} arrives as written`).to.equal(m.expected);
        } else {
            // The fixture is valid without the mutation: the refusal is about it, and must say where.
            expect(
                problems.some((p) => names(p, file.key)),
                `${problems.join("\n")}\n--- none names ${file.key}; in ---\n${file.text}`,
            ).to.equal(true);
        }
    };

    it("every key of the contract, each mutated: no crash, a refusal names the key (and the file position), an accepted value arrives as written", () => {
        let runs = 0;
        for (const k of CONTRACT) {
            const params = fuzzParameters(4);
            fc.assert(fc.property(fc.tuple(mutationOf(k), anyTrick), oneKey), params);
            runs += params.numRuns;
        }
        ran["stack files, per key"] = runs;
    });

    it("any key, any trick, at random: the same", () => {
        check("stack files, at random", fc.tuple(anyMutation, anyTrick), 200, oneKey);
    });

    it("several keys at once: no crash, every refusal names a key, an accepted stack gets every value as written", () => {
        check("several keys", fc.uniqueArray(anyMutation, { minLength: 2, maxLength: 5, selector: (m) => m.key }), 120, (ms) => {
            const lines = Object.entries(BASE)
                .filter(([key]) => !ms.some((m) => m.key === key))
                .map(([key, value]) => ({ key, yaml: toYaml(value) }));
            const { problems, values } = outcomeOf(stackFileText([...lines, ...ms.map((m) => ({ key: m.key, yaml: m.yaml }))]));
            for (const p of problems) {
                expect(p).to.not.match(STACK_TRACE);
                expect(/^(membrane|aws|Stack|could not parse)|'\w+'|membrane:\w+/.test(p), p).to.equal(true);
            }
            if (problems.length === 0) {
                for (const m of ms) {
                    expect(values?.[m.key], m.key).to.equal(m.expected);
                }
            }
        });
    });
});

describe("generated --config values", function () {
    this.timeout(fuzzTimeout());
    const schema = PROJECT.config;
    const text = fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 20 }),
        fc.constantFrom(
            "[",
            "{",
            "*x",
            "a: b: c",
            "@ops",
            "%ops@example.com",
            "acme- #corp",
            "8.0",
            "true",
            "3",
            "[a, b]",
            '["a", 1]',
            "&a x",
            "!!binary aGk=",
        ),
    );
    it("take the whole text as the value (a list key a YAML list), and a refusal names the key and --config", () => {
        check("--config", fc.tuple(fc.constantFrom(...CONTRACT.map((k) => k.key)), text), 300, ([key, value]) => {
            let overrides: Record<string, unknown>;
            try {
                overrides = parseArgs(["--config", `${key}=${value}`], schema).overrides;
            } catch (e) {
                expect(e).to.be.instanceOf(UsageError);
                expect((e as Error).message)
                    .to.include(`--config ${key}:`)
                    .and.to.include("'");
                expect(schema[key]?.type, "only a list key's value is parsed").to.equal("array");
                return;
            }
            const given = overrides[key];
            if (schema[key]?.type !== "array" || value === "") {
                expect(given, "a --config value is the whole string").to.equal(value);
            }
            expect(configOverride("--config", key, value, schema)).to.deep.equal(given);
            const { problems, values } = outcomeOfConfig({ ...BASE }, { [key]: given });
            for (const p of problems) {
                expect(p).to.not.match(STACK_TRACE);
            }
            if (problems.length === 0) {
                expect(values?.[key], key).to.equal(typeof given === "string" ? given : JSON.stringify(given));
            } else {
                // The fixture is valid without the override: the refusal is about it, and must name it.
                expect(
                    problems.some((p) => names(p, key)),
                    `${problems.join("\n")}\n(${key}=${value})`,
                ).to.equal(true);
            }
        });
    });
});

// .env variables: names as Membrane's, values of any UTF-16 (lone surrogates included) and any length.
const variables = fc.dictionary(
    fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/),
    fc.oneof(
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.string({
            unit: fc.constantFrom("'", '"', "$", "`", "\\", ";", "&", "|", " ", "#", "=", "(", ")", "!", "*", "\t", "é", "\u{1F600}"),
            maxLength: 30,
        }),
        fc.constantFrom("x".repeat(65_520), "x".repeat(65_540)),
    ),
    { maxKeys: 6 },
);

describe("generated .env variables", function () {
    this.timeout(fuzzTimeout());
    it("raw: Docker's --env-file rules read the file back exactly, or the writer refuses naming the variable", () => {
        check(".env raw", variables, 300, (vars) => {
            let text: string;
            try {
                text = formatDotenv(vars, "raw");
            } catch (e) {
                expect(e).to.be.instanceOf(DotenvFormatError);
                expect(
                    Object.keys(vars).some((n) => (e as Error).message.startsWith(n)),
                    (e as Error).message,
                ).to.equal(true);
                return;
            }
            expect(readDockerEnvFile(text)).to.deep.equal(vars);
        });
    });

    it("npm run dotenv --out: the file holds exactly the variables, or nothing is written; no temporary file either way", () => {
        const dir = tempDir("membrane-out-");
        const required = Object.fromEntries(REQUIRED_VARIABLES.map((group) => [group[0], "v"]));
        try {
            check("dotenv --out", variables, 100, (vars) => {
                const file = path.join(dir, ".env");
                fs.rmSync(file, { force: true });
                const outputs = { ...required, ...vars };
                let err = "";
                const code = dotenvMain(
                    ["--out", file],
                    JSON.stringify(outputs),
                    () => undefined,
                    (e) => (err += e),
                );
                if (code === 0) {
                    expect(fs.readdirSync(dir)).to.deep.equal([".env"]);
                    expect(readDockerEnvFile(fs.readFileSync(file))).to.deep.equal(outputs);
                } else {
                    expect(code, err).to.equal(2);
                    expect(err).to.not.match(STACK_TRACE);
                    expect(fs.readdirSync(dir), "nothing written, nothing left").to.deep.equal([]);
                }
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("shell: a real bash sourcing the file (set -a; . file) reads back exactly, or the writer refuses naming the variable", function () {
        // One bash for all the cases of a run: each case is a file, and bash prints every variable NUL-separated.
        const dir = tempDir("membrane-shell-");
        try {
            check(".env shell (batches of 40)", fc.array(variables, { minLength: 40, maxLength: 40 }), 4, (batch) => {
                const cases: Array<{ file: string; vars: Record<string, string> }> = [];
                for (const [i, vars] of batch.entries()) {
                    try {
                        const file = path.join(dir, `${i}.env`);
                        fs.writeFileSync(file, formatDotenv(vars, "shell"));
                        cases.push({ file, vars });
                    } catch (e) {
                        expect(e).to.be.instanceOf(DotenvFormatError);
                        expect(Object.keys(vars).some((n) => (e as Error).message.startsWith(n))).to.equal(true);
                    }
                }
                const script = cases
                    .map(
                        ({ file, vars }) =>
                            `( set -a; . '${file}' || exit 9; ${Object.keys(vars)
                                .map((n) => `printf '%s\\0' "$${n}";`)
                                .join(" ")} printf '\\1\\0' )`,
                    )
                    .join("\n");
                const run = spawnSync("bash", ["--norc", "--noprofile", "-c", script], {
                    env: { PATH: process.env.PATH },
                    maxBuffer: 64 * 1024 * 1024,
                });
                expect(run.status, run.stderr.toString()).to.equal(0);
                const fields = run.stdout.toString("utf8").split("\0");
                let at = 0;
                for (const { vars } of cases) {
                    const got = Object.keys(vars).map(() => fields[at++]);
                    expect(fields[at++]).to.equal("\u0001");
                    expect(got).to.deep.equal(Object.values(vars));
                }
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

after(function () {
    if (Object.keys(ran).length > 0 && process.env.MEMBRANE_FUZZ_REPORT) {
        console.log(
            `generated cases: ${Object.entries(ran)
                .map(([n, c]) => `${n} ${c}`)
                .join(", ")}`,
        );
    }
});
