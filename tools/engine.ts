// The offline engine: a stack's config, resolved as the Pulumi CLI resolves it, and the real program
// run under Pulumi's mocks in a process of its own. Tests and `npm start` both use it; it stands in
// for `pulumi preview` where there is no CLI, no cloud account and no network.
import { fork } from "child_process";
import * as path from "path";
import type { Evaluation, RunOptions } from "./run-program";
import { loadProject, readStackFile, resolveStackConfig, StackConfigValue } from "./stack-config";

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
    /** Extra environment variables for the evaluating process. */
    readonly env?: Record<string, string>;
}

/** The program threw: config validation or any other error, with the program's own message. */
export class ProgramError extends Error {
    constructor(
        message: string,
        readonly programStack?: string,
        /** URNs registered before the program failed. */
        readonly registered: string[] = [],
    ) {
        super(message);
        this.name = "ProgramError";
    }
}

/** Resolves config (throws StackConfigError / UnknownStackError) and evaluates the program in a child process. */
export async function evaluate(opts: EvaluateOptions): Promise<Evaluation> {
    const dir = opts.dir ?? PROJECT_DIR;
    const project = loadProject(dir);
    const file = readStackFile(opts.stackDir ?? dir, opts.stack);
    const stackConfig = { ...file.config };
    for (const key of opts.unset ?? []) {
        delete stackConfig[key];
    }
    const resolved = resolveStackConfig(project, opts.stack, stackConfig, opts.overrides, file.literals);
    const run: RunOptions = {
        project: project.name,
        stack: opts.stack,
        program: path.resolve(dir, opts.program ?? project.main),
        config: resolved.values,
        secretKeys: resolved.secretKeys,
        preview: opts.preview,
    };
    return runInChild(run, dir, opts.env ?? {});
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
