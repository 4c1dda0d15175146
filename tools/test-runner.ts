// `npm test`: the type-check, the lint, the format check and the tests (the program's and the policy
// pack's), all of them, at once. On two cores they were a queue: three single-threaded checks (17 s of
// one core) before mocha started. Now the checks start at once, and meanwhile this process puts every
// TypeScript file not transpiled yet into tools/register.js's cache (in a fresh clone each mocha process
// would otherwise transpile most of them again); then mocha starts, its output shown as it comes. The checks'
// verdicts and output follow mocha's; the exit code is the first failed step's, or 0 when every step passed.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
/** The script of a package's command (its package.json's `bin`), as npm links it into node_modules/.bin. */
function bin(pkg: string, command = pkg): string {
    const manifest = require.resolve(`${pkg}/package.json`, { paths: [ROOT] });
    const bins: string | Record<string, string> = JSON.parse(fs.readFileSync(manifest, "utf8")).bin;
    return path.join(path.dirname(manifest), typeof bins === "string" ? bins : bins[command]);
}

export interface Step {
    readonly name: string;
    readonly argv: readonly string[];
    /** Its output, shown as it comes; otherwise kept until the step ends. */
    readonly live?: boolean;
}

// Where the checks keep what they learnt of unchanged files, so that a second run redoes only what changed:
// tsc's build info and prettier's cache by content. A fresh clone has none of them.
export const CACHE = path.join("node_modules", ".cache");

/**
 * The type-check `npm test` runs: the whole project, as tsconfig.json includes it, by TypeScript 7's compiler
 * (the `typescript-7` alias of typescript@7, native: a tenth of 5.9's time on this project). TypeScript 5.9
 * stays the project's `typescript`, for its JavaScript API (tools/register.js), which 7
 * has not. Every step runs in the project's folder.
 */
export const TYPE_CHECK: Step = {
    name: "tsc --noEmit",
    argv: [
        bin("typescript-7", "tsc"),
        "--noEmit",
        "-p",
        ".",
        "--incremental",
        "--tsBuildInfoFile",
        path.join(CACHE, "membrane-tsc", "tsbuildinfo"),
        // Its threads took a third more CPU for the same wall time, on cores that mocha needs.
        "--singleThreaded",
    ],
};

export const CHECKS: readonly Step[] = [
    TYPE_CHECK,
    // oxlint runs the rules eslint's and typescript-eslint's recommended sets had here (.oxlintrc.json, migrated
    // from them): native, a fortieth of eslint's CPU from a fresh clone, where eslint had no cache.
    { name: "oxlint", argv: [bin("oxlint"), "--deny-warnings", "."] },
    {
        name: "prettier --check",
        argv: [
            bin("prettier"),
            "--check",
            "--log-level",
            "warn",
            "--cache",
            "--cache-strategy",
            "content",
            "--cache-location",
            path.join(CACHE, "membrane-prettier"),
            ".",
        ],
    },
];

/**
 * Both suites' test files, in their folders at any depth (`cd policy && npm test` runs the pack's alone), largest first: mocha's workers
 * take them in order, and the long ones taken last left one worker running alone at the end.
 */
export function testFiles(): string[] {
    const files = ["test", path.join("policy", "test")].flatMap((dir) =>
        typeScriptFiles(path.join(ROOT, dir))
            .filter((f) => f.endsWith(".test.ts"))
            .map((f) => path.relative(ROOT, f)),
    );
    const size = (f: string) => fs.statSync(path.join(ROOT, f)).size;
    return files.sort((a, b) => size(b) - size(a) || a.localeCompare(b));
}

/**
 * Two mocha processes, each running its files one after another, side by side: the whole-stack tests and the
 * deployments program's in one, whose evaluations of the fixture stacks and the deployments fixtures mostly
 * repeat each other (an evaluation is answered once per process); each component's, lib's, the tools', the
 * documentation's and the policy pack's in the other. mocha --parallel handed files to
 * whichever worker was free, so both evaluated the same stacks: about a tenth more CPU.
 */
export function testGroups(files: readonly string[] = testFiles()): [string[], string[]] {
    const whole = (f: string) => /^test\/(stacks|deployments)\//.test(f.split(path.sep).join("/"));
    return [files.filter(whole), files.filter((f) => !whole(f))];
}

export const TESTS: readonly Step[] = testGroups().map((files, i) => ({
    name: `mocha ${i + 1}/2`,
    argv: [bin("mocha"), ...files],
    live: i === 0,
}));

/** Every .ts file of the project (not node_modules): what the tests, the tools and the programs load. */
export function typeScriptFiles(dir = ROOT): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) {
            out.push(...typeScriptFiles(file));
        } else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            out.push(file);
        }
    }
    return out;
}

interface Finished {
    readonly step: Step;
    readonly code: number;
    readonly output: string;
    readonly seconds: number;
}

function start(step: Step): Promise<Finished> {
    const began = Date.now();
    const child: ChildProcess = spawn(process.execPath, step.argv, {
        cwd: ROOT,
        stdio: step.live ? "inherit" : ["ignore", "pipe", "pipe"],
        env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? "1" : (process.env.FORCE_COLOR ?? "0") },
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    return new Promise((resolve) => {
        child.once("error", (e) => resolve({ step, code: 1, output: `${output}${e.message}\n`, seconds: (Date.now() - began) / 1000 }));
        child.once("exit", (code, signal) =>
            resolve({
                step,
                code: code ?? (signal ? 1 : 0),
                output: output + (signal ? `killed by ${signal}\n` : ""),
                seconds: (Date.now() - began) / 1000,
            }),
        );
    });
}

/**
 * Transpiles the files not in the cache yet, in this process, while the checks (which need no transpiled file)
 * run on the other core: in a fresh clone, some 220 files that each mocha process would otherwise transpile
 * again. Returns how many it transpiled.
 */
function warmCache(): number {
    const { warm, untranspiled } = require("./register.js") as {
        warm(files: readonly string[]): number;
        untranspiled(files: readonly string[]): string[];
    };
    const files = untranspiled(typeScriptFiles());
    warm(files);
    return files.length;
}

export async function main(write: (s: string) => void): Promise<number> {
    const began = Date.now();
    const checks = CHECKS.map(start);
    const transpiled = warmCache();
    if (transpiled > 0) {
        write(`transpiled ${transpiled} TypeScript files into the cache (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    }
    const tests = TESTS.map(start);
    const all = [...(await Promise.all(checks)), ...(await Promise.all(tests))];
    for (const done of all) {
        const output = done.step.live || !done.output ? "" : `\n${done.output.trimEnd()}`;
        write(`${done.code === 0 ? "✔" : "✘"} ${done.step.name} (${done.seconds.toFixed(1)} s)${output}`);
    }
    const failed = all.filter((d) => d.code !== 0);
    write(
        failed.length === 0
            ? `npm test: every step passed in ${((Date.now() - began) / 1000).toFixed(1)} s`
            : `npm test: ${failed.map((d) => d.step.name).join(", ")} failed`,
    );
    return failed[0]?.code ?? 0;
}

if (require.main === module) {
    main((s) => console.log(s)).then(
        (code) => (process.exitCode = code),
        (e) => {
            console.error(`internal error: ${(e as Error).stack ?? e}`);
            process.exitCode = 3;
        },
    );
}
