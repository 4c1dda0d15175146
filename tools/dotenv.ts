// `pulumi stack output --json --show-secrets -s <stack> | npm run --silent dotenv -- --out .env`
//
// `pulumi stack output --shell` backslash-escapes the characters a shell treats specially (MONGO_URI's
// `?` and `&` become `\?` and `\&`): a shell's `source` removes the escapes, but Docker's `--env-file`
// keeps them as part of the value. This writes `NAME=value` lines with the value verbatim, which Docker
// (`--env-file`, compose's `env_file` with `format: raw`) reads as is, and which a shell reads correctly
// line by line: `while IFS= read -r l; do export "$l"; done < .env`.
import * as fs from "fs";
import * as path from "path";
import { DotenvFormatError, formatDotenv } from "../components/dotenv";
import { isVariableName, REQUIRED_VARIABLES } from "../components/env";

export class DotenvError extends Error {}

/** The .env text for a stack's outputs: Membrane's variables only, sorted, one `NAME=value` per line. */
export function dotenv(outputs: Record<string, unknown>): string {
    const names = Object.keys(outputs).filter(isVariableName).sort();
    const missing = REQUIRED_VARIABLES.filter((group) => !group.some((n) => names.includes(n))).map((group) => group.join(" or "));
    if (missing.length > 0) {
        // `pulumi stack output --json` prints {} for a stack that was never deployed: never write an empty .env over a good one.
        throw new DotenvError(
            `the outputs lack Membrane's ${missing.join(", ")}: is this the stack output of a deployed Membrane stack (pulumi up, then pulumi stack output --json --show-secrets)?`,
        );
    }
    const redacted = names.find((name) => outputs[name] === "[secret]");
    if (redacted) {
        throw new DotenvError(`${redacted} is "[secret]": run pulumi stack output with --show-secrets`);
    }
    try {
        // The program's `dotenv` output is made by the same function: both give the same bytes.
        return formatDotenv(Object.fromEntries(names.map((name) => [name, outputs[name]])));
    } catch (e) {
        throw e instanceof DotenvFormatError ? new DotenvError(e.message) : e;
    }
}

/**
 * Values that a reader other than Docker's --env-file would alter: compose's default env_file format
 * interpolates `$`, cuts ` #` comments, trims spaces and strips quotes. The generated values never hold
 * these; values a user brings (existing secrets, an external MongoDB URI) may.
 */
export function dotenvWarnings(outputs: Record<string, unknown>): string[] {
    const warnings: string[] = [];
    for (const name of Object.keys(outputs).filter(isVariableName).sort()) {
        const value = outputs[name];
        if (typeof value !== "string") {
            continue;
        }
        const what = [
            value.includes("$") && "a $ (compose interpolates it)",
            /\s#/.test(value) && 'a " #" (compose cuts it as a comment)',
            /^\s|\s$/.test(value) && "leading or trailing spaces (compose and shells trim them)",
            /^["']/.test(value) && "a leading quote (compose strips quotes)",
        ].filter(Boolean);
        if (what.length > 0) {
            warnings.push(
                `${name} holds ${what.join(", ")}: with docker compose use env_file with format: raw; docker run --env-file reads it as is`,
            );
        }
    }
    return warnings;
}

/** Writes the .env readable by its owner only: it holds the database password, the Redis token and ENCRYPTION_SECRET. */
export function writeDotenv(file: string, text: string): void {
    // A new file of mode 600 renamed over the old one: an existing file of mode 644 never holds the secrets.
    const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
    fs.renameSync(tmp, file);
}

/** What Docker's `--env-file` reads from a file: `NAME=value` lines, value verbatim; blanks and `#` lines skipped. */
export function readDockerEnvFile(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
        if (line.trim() === "" || line.trimStart().startsWith("#")) {
            continue;
        }
        const eq = line.indexOf("=");
        out[line.slice(0, eq).trimStart()] = line.slice(eq + 1);
    }
    return out;
}

export const USAGE = "usage: pulumi stack output --json --show-secrets -s <stack> | npm run --silent dotenv [-- --out .env]";

/** The CLI: stdin JSON -> stdout, or `--out <file>` (mode 600). Returns the exit code. */
export function main(argv: readonly string[], input: string, write: (s: string) => void, writeError: (s: string) => void): number {
    let out: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--out") {
            out = argv[++i];
            if (!out) {
                writeError(`dotenv: --out needs the file to write\n${USAGE}`);
                return 2;
            }
        } else {
            writeError(`dotenv: unknown argument "${argv[i]}"\n${USAGE}`);
            return 2;
        }
    }
    if (input.trim() === "") {
        writeError(`dotenv: nothing on standard input: pipe pulumi stack output --json --show-secrets into it\n${USAGE}`);
        return 2;
    }
    try {
        const outputs = JSON.parse(input) as Record<string, unknown>;
        const text = dotenv(outputs);
        dotenvWarnings(outputs).forEach((w) => writeError(`dotenv: warning: ${w}`));
        if (out) {
            writeDotenv(out, text);
        } else {
            write(text);
        }
        return 0;
    } catch (e) {
        writeError(`dotenv: ${(e as Error).message}\n${USAGE}`);
        return 2;
    }
}

if (require.main === module) {
    let input = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (input += chunk));
    process.stdin.on("end", () => {
        process.exitCode = main(
            process.argv.slice(2),
            input,
            (s) => process.stdout.write(s),
            (s) => console.error(s),
        );
    });
}
