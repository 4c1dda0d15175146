// How every command of tools/ ends: its own exit code (0 clean, 1 a mandatory policy violation, 2 bad
// input), or 3 with the stack trace when something the command did not foresee went wrong. Output is
// flushed first: stdout into a pipe is asynchronous in Node.js, and process.exit would cut it short.
import * as path from "path";

/** Resolves once everything written to `stream` so far has been handed to the OS. */
export function drained(stream: NodeJS.WritableStream): Promise<void> {
    return new Promise((resolve) => {
        // A write's callback runs once it and every write before it are flushed; a closed stream (EPIPE) is done too.
        const done = () => resolve();
        try {
            stream.write("", done);
        } catch {
            resolve();
        }
        stream.once("error", done);
    });
}

/** Exits with `code` once stdout and stderr are flushed. */
export async function exitAfterFlush(code: number): Promise<never> {
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    process.exit(code);
}

/** Runs a command's `main` and exits with its code. */
export function runMain(main: () => Promise<number>): void {
    main().then(
        (code) => exitAfterFlush(code),
        (e) => {
            console.error(`internal error: ${(e as Error).stack ?? e}`);
            return exitAfterFlush(3);
        },
    );
}

/**
 * A path the user gave on the command line, made absolute from the folder they typed the command in: npm runs
 * a script in the package's folder, and says in INIT_CWD where it was started.
 */
export function userPath(file: string): string {
    return path.resolve(process.env.INIT_CWD || process.cwd(), file);
}

/** An argument the command does not take: exit 2 with the usage. */
export class UsageError extends Error {}

/** `--help` asked for: the command prints its help and exits 0. */
export class HelpRequested extends Error {}
