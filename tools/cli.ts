// How every command of tools/ ends: its own exit code (0 clean, 1 a mandatory policy violation, 2 bad
// input), or 3 with the stack trace when something the command did not foresee went wrong.

/** Runs a command's `main` and exits with its code. */
export function runMain(main: () => Promise<number>): void {
    main().then(
        (code) => process.exit(code),
        (e) => {
            console.error(`internal error: ${(e as Error).stack ?? e}`);
            process.exit(3);
        },
    );
}

/** An argument the command does not take: exit 2 with the usage. */
export class UsageError extends Error {}

/** `--help` asked for: the command prints its help and exits 0. */
export class HelpRequested extends Error {}
