// The offline engine: a stack's config, resolved as the Pulumi CLI resolves it, and the real program
// run under Pulumi's mocks. Tests and `npm start` both use it; it stands in for `pulumi preview` where
// there is no CLI, no cloud account and no network.
//
// It evaluates in this process, one evaluation at a time, each as if in a process of its own: the
// project's modules are loaded afresh for every run (the SDKs stay loaded), and Pulumi's runtime state
// lives in a store of the run's own. `freshProcess` runs the same evaluation in a new process instead:
// the reference that the in-process results are tested against.
import { fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stackCloudFixture } from "./cloud-file";
import type { CloudFixture } from "./mock-cloud";
import type { Evaluation, RunOptions } from "./run-program";
import { defaultedValueWarnings, resolveStackConfig } from "./stack-config";
import { withoutSerializationWrappers } from "../lib/sdk-internals";
import { loadProject, readStackFile, StackConfigValue } from "../lib/stack-files";

export type { Evaluation, RegisteredResource, StackOutput } from "./run-program";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface EvaluateOptions {
    /** Stack name: reads Pulumi.<stack>.yaml. */
    readonly stack: string;
    /** Where Pulumi.<stack>.yaml is, when not beside Pulumi.yaml (the tests' own fixture stacks). */
    readonly stackDir?: string;
    /** Stack-file-style values that replace the file's (`{ secret: "..." }` for a decrypted secret). */
    readonly overrides?: Record<string, StackConfigValue>;
    /** Keys to drop from the stack file before overrides, as if never set. */
    readonly unset?: string[];
    /** A program other than the project's main (tests of one component). */
    readonly program?: string;
    readonly dir?: string;
    /** Evaluate as `pulumi preview` of a new stack: every value only the cloud knows is unknown. */
    readonly preview?: boolean;
    /** Extra environment variables, set while the program runs. */
    readonly env?: Record<string, string>;
    /** Evaluate in a new Node.js process rather than in this one (slower; the results are the same). */
    readonly freshProcess?: boolean;
    /** Run the program even when this process already evaluated the same inputs (see OUTCOMES). */
    readonly rerun?: boolean;
    /**
     * What exists in the account, for look-ups (an IAM OIDC provider, ...). Absent: the stack's cloud file
     * (`<stack>.cloud.yaml` beside its stack file); without one, every look-up is an assumption the
     * evaluation lists.
     */
    readonly cloud?: CloudFixture;
}

/**
 * The program threw: config validation or any other error, with the program's own message, less the SDK's
 * `error serializing property` wrappers (npm start, npm run check and npm run deployments print it).
 */
export class ProgramError extends Error {
    constructor(
        message: string,
        readonly programStack?: string,
        /** URNs registered before the program failed. */
        readonly registered: string[] = [],
    ) {
        super(withoutSerializationWrappers(message));
        this.name = "ProgramError";
    }
}

/** Resolves config (throws StackConfigError / UnknownStackError) and evaluates the program. */
export async function evaluate(opts: EvaluateOptions): Promise<Evaluation> {
    const dir = opts.dir ?? PROJECT_DIR;
    const project = loadProject(dir);
    const stackDir = opts.stackDir ?? dir;
    const file = readStackFile(stackDir, opts.stack);
    const stackConfig = { ...file.config };
    for (const key of opts.unset ?? []) {
        delete stackConfig[key];
    }
    const resolved = resolveStackConfig(project, opts.stack, stackConfig, opts.overrides);
    const run: RunOptions = {
        project: project.name,
        stack: opts.stack,
        program: path.resolve(dir, opts.program ?? project.main),
        config: resolved.values,
        secretKeys: resolved.secretKeys,
        preview: opts.preview,
        cloud: opts.cloud ?? stackCloudFixture(stackDir, opts.stack),
    };
    const ev = await (opts.freshProcess ? runInChild(run, dir, opts.env ?? {}) : runHere(run, dir, opts.env ?? {}, opts.rerun === true));
    const defaulted = opts.program ? [] : defaultedValueWarnings(project, stackConfig, opts.overrides);
    return defaulted.length > 0 ? { ...ev, warnings: [...defaulted, ...ev.warnings] } : ev;
}

let queue: Promise<unknown> = Promise.resolve();

/** What one in-process run gave: the evaluation as JSON, or the program's error; and the source files it ran. */
interface Outcome {
    readonly json?: string;
    readonly error?: { message: string; stack?: string; registered: string[] };
    readonly sources: ReadonlyArray<readonly [file: string, stamp: string]>;
}

// Evaluations of the project's program this process already ran, by everything that decides them: the
// program, its config, the account, preview and the environment. One with the same inputs, while the
// source files it loaded (and Pulumi.yaml, which the program reads) are unchanged, gives the same
// result: a copy of it is returned instead of running the program again. On globalThis, as the engine's
// own modules load afresh during a run. The Deployments program reads files it does not import (stack
// files, the policy pack), so its runs are never reused.
const OUTCOMES: Map<string, Promise<Outcome>> = ((globalThis as any)[Symbol.for("membrane.engine.outcomes")] ??= new Map());

let runs = 0;

/** How many times this module ran a program in this process (the tests of OUTCOMES). */
export function programRuns(): number {
    return runs;
}

function stampOf(file: string): string {
    try {
        const st = fs.statSync(file);
        return `${st.size}:${st.mtimeMs}`;
    } catch {
        return "absent";
    }
}

/** Evaluations share process-global state (Pulumi's runtime, process.env, the module cache): they queue. */
async function runHere(run: RunOptions, dir: string, env: Record<string, string>, rerun: boolean): Promise<Evaluation> {
    const key = dir === PROJECT_DIR ? JSON.stringify([run, env]) : undefined;
    let outcome = key === undefined || rerun ? undefined : OUTCOMES.get(key);
    if (outcome && !(await outcome).sources.every(([file, stamp]) => stampOf(file) === stamp)) {
        outcome = undefined;
    }
    if (!outcome) {
        runs++;
        outcome = queue.then(() => runIsolated(run, dir, env));
        queue = outcome.catch(() => undefined);
        if (key !== undefined) {
            OUTCOMES.set(key, outcome);
        }
    }
    const { json, error } = await outcome;
    if (error) {
        throw new ProgramError(error.message, error.stack, [...error.registered]);
    }
    return JSON.parse(json!) as Evaluation;
}

async function runIsolated(run: RunOptions, dir: string, env: Record<string, string>): Promise<Outcome> {
    const program = fs.existsSync(run.program) && fs.statSync(run.program).isDirectory() ? run.program : path.dirname(run.program);
    const roots = [...new Set([PROJECT_DIR, dir, program])];
    const isProjectModule = (file: string) =>
        !file.includes(`${path.sep}node_modules${path.sep}`) && roots.some((root) => file.startsWith(root + path.sep));
    // The caller's copies of the project's modules are set aside, so that the program and the engine's
    // own modules (the mock cloud keeps a record of what was created) load as in a new process.
    const callers = Object.entries(require.cache).filter(([file]) => isProjectModule(file));
    const restore = saveGlobals(env, dir);
    let failed: (err: unknown) => void = () => undefined;
    const failure = new Promise<never>((_, reject) => (failed = reject));
    // What a fresh process reported as a failure: an error no promise of the program's awaited. While the
    // program runs, its rejections are its own: the caller's listeners are set aside and get back only
    // the rejections that did not become the run's error.
    const callerListeners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const rejections: Array<[unknown, Promise<unknown>]> = [];
    let runError: unknown;
    const onRejection = (reason: unknown, promise: Promise<unknown>) => {
        rejections.push([reason, promise]);
        failed(reason);
    };
    const onError = (err: unknown) => failed(err);
    process.on("unhandledRejection", onRejection);
    process.on("uncaughtException", onError);
    let result: Omit<Outcome, "sources">;
    let loaded: string[] = [];
    try {
        for (const [file] of callers) {
            delete require.cache[file];
        }
        const { runProgram } = require("./run-program") as typeof import("./run-program");
        const evaluation = await Promise.race([runProgram(run), failure]);
        // As a fresh process hands it over: its IPC serialises messages as JSON.
        result = { json: JSON.stringify(evaluation) };
    } catch (err) {
        runError = err;
        const e = err instanceof Error ? err : new Error(String(err));
        result = { error: { message: e.message, stack: e.stack, registered: (e as any).registered ?? [] } };
    } finally {
        // A failed program leaves rejected promises behind (the root Stack's outputs, derived from the error),
        // which Node reports as unhandled at the end of the tick: they are settled here, as the run's, so that
        // the caller's process never sees them later.
        await settled();
        process.off("unhandledRejection", onRejection);
        process.off("uncaughtException", onError);
        for (const listener of callerListeners) {
            process.on("unhandledRejection", listener as NodeJS.UnhandledRejectionListener);
        }
        for (const [reason, promise] of rejections.filter(([reason]) => reason !== runError)) {
            if (callerListeners.length > 0) {
                process.emit("unhandledRejection", reason, promise);
            } else {
                void Promise.reject(reason);
            }
        }
        loaded = Object.keys(require.cache).filter(isProjectModule);
        for (const file of loaded) {
            delete require.cache[file];
        }
        Object.assign(require.cache, Object.fromEntries(callers));
        module.children = module.children.filter((m) => require.cache[m.id] === m);
        restore();
    }
    const sources = [...loaded, path.join(dir, "Pulumi.yaml")].map((file) => [file, stampOf(file)] as const);
    return { ...result, sources };
}

/** Resolves once the promises settled so far have been reported (unhandled rejections are reported per macrotask). */
async function settled(): Promise<void> {
    for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
    }
}

/** Sets the run's environment variables and working directory; returns what puts them back (run-program puts back the SDK's log.warn). */
function saveGlobals(env: Record<string, string>, dir: string): () => void {
    const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const cwd = process.cwd();
    const stackTraceLimit = Error.stackTraceLimit;
    Object.assign(process.env, env);
    if (dir !== cwd) {
        process.chdir(dir);
    }
    return () => {
        for (const [k, v] of Object.entries(previous)) {
            if (v === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = v;
            }
        }
        if (process.cwd() !== cwd) {
            process.chdir(cwd);
        }
        Error.stackTraceLimit = stackTraceLimit;
    };
}

function runInChild(run: RunOptions, cwd: string, env: Record<string, string>): Promise<Evaluation> {
    return new Promise((resolve, reject) => {
        const child = fork(path.join(__dirname, "engine-child.ts"), [], {
            cwd,
            execArgv: ["--require", path.join(__dirname, "register.js")],
            env: { ...process.env, ...env },
            stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        child.send(run);
        let settled = false;
        child.once("message", (msg: any) => {
            settled = true;
            if (msg.ok) {
                resolve(msg.evaluation as Evaluation);
            } else {
                reject(new ProgramError(msg.error.message, msg.error.stack, msg.error.registered));
            }
        });
        child.once("exit", (code) => {
            if (!settled) {
                reject(new ProgramError(`the evaluation process exited with code ${code} before reporting`));
            }
        });
    });
}
