// `pulumi stack output --json --show-secrets -s <stack> | npm run --silent dotenv -- [--format raw|shell] [--out .env]`
//
// `pulumi stack output --shell` backslash-escapes the characters a shell treats specially (MONGO_URI's
// `?` and `&` become `\?` and `\&`): a shell's `source` removes the escapes, but Docker's `--env-file`
// keeps them as part of the value. This writes one of two formats (docs/env-file.md says which reader takes which):
// - raw: `NAME=value` lines, the value verbatim, which Docker (`--env-file`, compose's `env_file` with
//   `format: raw`) reads as is;
// - shell: `NAME='value'` lines, single-quoted, which `set -a; . ./.env; set +a` reads back exactly, whatever
//   the value holds (`&`, `$(…)`, backticks, `;`).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";
import { DOCKER_LINE_MAX_BYTES, DOTENV_FORMATS, DotenvFormat, DotenvFormatError, formatDotenv } from "../components/outputs/dotenv";
import { isVariableName, REQUIRED_VARIABLES } from "../components/outputs/env";
import { invalidUtf8Offset } from "../lib/yaml";
import { userPath } from "./cli";

export class DotenvError extends Error {}

/** The .env text for a stack's outputs: Membrane's variables only, sorted, one line each. */
export function dotenv(outputs: Record<string, unknown>, format: DotenvFormat = "raw"): string {
    if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
        throw new DotenvError(
            `the input is ${outputs === null ? "null" : Array.isArray(outputs) ? "a JSON list" : `a JSON ${typeof outputs}`}, not the object of outputs pulumi stack output --json prints`,
        );
    }
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
        return formatDotenv(Object.fromEntries(names.map((name) => [name, outputs[name]])), format);
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
            value.includes("\\") && "a backslash (compose and systemd's EnvironmentFile read it as an escape)",
        ].filter(Boolean);
        if (what.length > 0) {
            warnings.push(
                `${name} holds ${what.join(", ")}: with docker compose use env_file with format: raw; docker run --env-file reads it as is`,
            );
        }
    }
    return warnings;
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Temporary files being written: a signal removes them before it ends the process. */
const temporaryFiles = new Set<string>();
let signalsHeld = false;
let release: NodeJS.Immediate | undefined;

function onSignal(signal: NodeJS.Signals): void {
    temporaryFiles.forEach((f) => fs.rmSync(f, { force: true }));
    process.exit(128 + (os.constants.signals[signal] ?? 0));
}

/** Listens to the signals while writes are under way (once, however many writes there are). */
function holdSignals(): void {
    if (release) {
        clearImmediate(release);
        release = undefined;
    }
    if (!signalsHeld) {
        SIGNALS.forEach((s) => process.on(s, onSignal));
        signalsHeld = true;
    }
}

/** Stops listening one turn of the event loop later: a signal that arrived during a write is handled by them, not by the default. */
function releaseSignals(): void {
    release ??= setImmediate(() => {
        SIGNALS.forEach((s) => process.off(s, onSignal));
        signalsHeld = false;
        release = undefined;
    });
}

/**
 * Writes the .env readable by its owner only: it holds the database password, the Redis token and
 * ENCRYPTION_SECRET. A new file of mode 600, renamed over the old one, so that an existing file of mode 644
 * never holds the secrets. The temporary file never outlives the write: it is removed on any error, and a
 * SIGINT, SIGTERM or SIGHUP waits for the rename (Node.js runs a signal's listener between two pieces of
 * JavaScript, never inside this synchronous write) and then ends the process as the signal would.
 * `afterTemporaryWritten` is for tests: it runs between the write and the rename.
 */
export function writeDotenv(file: string, text: string, afterTemporaryWritten?: () => void): void {
    const target = path.resolve(file);
    if (fs.existsSync(target) && fs.statSync(target).isDirectory()) {
        throw new DotenvError(`${file} is a folder: give the file to write, such as ${path.join(file, ".env")}`);
    }
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    holdSignals();
    temporaryFiles.add(tmp);
    try {
        fs.writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
        afterTemporaryWritten?.();
        fs.renameSync(tmp, target);
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e instanceof DotenvError ? e : new DotenvError(`cannot write ${file}: ${(e as Error).message}`);
    } finally {
        temporaryFiles.delete(tmp);
        releaseSignals();
    }
}

/** A reader's refusal of a .env file, with Docker's own message. */
export class EnvFileError extends Error {}

// Go's unicode.IsSpace: what Docker trims from the start of each line.
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * What Docker's `--env-file` reads from a file (docker/cli opts/envfile.go, parseKeyValueFile): lines split
 * by bufio.Scanner (at most DOCKER_LINE_MAX_BYTES each, a trailing CR dropped), each valid UTF-8, a BOM
 * dropped from the first, leading white space trimmed; blank and `#` lines skipped; `NAME=value`, the value
 * verbatim; a line without `=` takes the variable from Docker's environment (left out here).
 */
export function readDockerEnvFile(content: string | Uint8Array): Record<string, string> {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    const out: Record<string, string> = {};
    let start = 0;
    for (let n = 1; start < bytes.length; n++) {
        const nl = bytes.indexOf(0x0a, start);
        const end = nl < 0 ? bytes.length : nl;
        if (end - start > DOCKER_LINE_MAX_BYTES) {
            throw new EnvFileError("bufio.Scanner: token too long");
        }
        let raw = bytes.subarray(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
        start = end + 1;
        if (invalidUtf8Offset(raw) >= 0) {
            throw new EnvFileError(`env file contains invalid utf8 bytes at line ${n}`);
        }
        if (n === 1 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
            raw = raw.subarray(3);
        }
        const line = raw.toString("utf8").replace(GO_SPACE, "");
        if (line === "" || line.startsWith("#")) {
            continue;
        }
        const eq = line.indexOf("=");
        const variable = (eq < 0 ? line : line.slice(0, eq)).replace(/^[ \t]+/, "");
        if (variable === "") {
            throw new EnvFileError(`no variable name on line '${line}'`);
        }
        if (/[ \t]/.test(variable)) {
            throw new EnvFileError(`variable '${variable}' contains whitespaces`);
        }
        if (eq >= 0) {
            Object.defineProperty(out, variable, { value: line.slice(eq + 1), enumerable: true, writable: true, configurable: true });
        }
    }
    return out;
}

export const USAGE =
    "usage: pulumi stack output --json --show-secrets -s <stack> | npm run --silent dotenv [-- [--format raw|shell] [--out .env]]";

export const HELP = `${USAGE}

Reads the JSON of pulumi stack output --json --show-secrets on standard input and writes Membrane's variables
as a .env: to standard output, or with --out to a file readable by you only (mode 600), replaced whole.

  --format raw    NAME=value, the value verbatim (default): docker run --env-file, compose env_file with format: raw
  --format shell  NAME='value', single-quoted: set -a; . ./.env; set +a (docs/env-file.md lists every reader)
  --out <file>    write the file instead of standard output
  --help, -h      this text

Exit codes: 0 written; 2 bad input or arguments (nothing written).`;

/**
 * A hint when the shell format goes to a file named as Docker's env files are (`.env`, `prod.env`): Docker's
 * `--env-file` and compose's `env_file` would keep its quotes as part of each value. `file` is --out, or the
 * file standard output was redirected to.
 */
export function shellFormatFileWarning(file: string): string | undefined {
    const name = path.basename(file);
    return name === ".env" || name.endsWith(".env")
        ? `--format shell writes NAME='value' lines for a shell's source; ${name} is the name Docker's --env-file and compose's env_file read, and they would keep the quotes in every value: write it to --out ${path.join(path.dirname(file), `${name}.sh`)}, and the raw format (the default) to ${name} (docs/env-file.md)`
        : undefined;
}

/** Where standard output was redirected to, when the system tells (Linux's /proc); undefined otherwise. */
export function stdoutFile(): string | undefined {
    try {
        const target = fs.readlinkSync("/proc/self/fd/1");
        return path.isAbsolute(target) && fs.statSync(target).isFile() ? target : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The CLI: stdin JSON -> stdout, or `--out <file>` (mode 600). Returns the exit code. `redirectedTo`: the file
 * standard output goes to, if known (for the shell format's hint).
 */
export function main(
    argv: readonly string[],
    input: string,
    write: (s: string) => void,
    writeError: (s: string) => void,
    redirectedTo?: string,
): number {
    let out: string | undefined;
    let format: DotenvFormat = "raw";
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--help" || argv[i] === "-h") {
            write(`${HELP}\n`);
            return 0;
        } else if (argv[i] === "--out") {
            out = argv[++i];
            if (!out) {
                writeError(`dotenv: --out needs the file to write\n${USAGE}`);
                return 2;
            }
        } else if (argv[i] === "--format") {
            const f = argv[++i] ?? "";
            if (!(DOTENV_FORMATS as readonly string[]).includes(f)) {
                writeError(`dotenv: --format takes ${DOTENV_FORMATS.join(" or ")} (got "${f}")\n${USAGE}`);
                return 2;
            }
            format = f as DotenvFormat;
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
        let outputs: Record<string, unknown>;
        try {
            outputs = JSON.parse(input) as Record<string, unknown>;
        } catch (e) {
            throw new DotenvError(
                `standard input is not JSON (${(e as Error).message}): pipe pulumi stack output --json --show-secrets into it`,
            );
        }
        const text = dotenv(outputs, format);
        if (format === "raw") {
            dotenvWarnings(outputs).forEach((w) => writeError(`dotenv: warning: ${w}`));
        } else {
            const hint = shellFormatFileWarning(out ?? redirectedTo ?? "");
            if (hint) {
                writeError(`dotenv: warning: ${hint}`);
            }
        }
        if (out) {
            writeDotenv(userPath(out), text);
        } else {
            write(text);
        }
        return 0;
    } catch (e) {
        if (!(e instanceof DotenvError)) {
            throw e;
        }
        writeError(`dotenv: ${e.message}\n${USAGE}`);
        return 2;
    }
}

if (require.main === module) {
    let input = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (input += chunk));
    process.stdin.on("end", () => {
        try {
            process.exitCode = main(
                process.argv.slice(2),
                input,
                (s) => process.stdout.write(s),
                (s) => console.error(s),
                stdoutFile(),
            );
        } catch (e) {
            console.error(`internal error: ${(e as Error).stack ?? e}`);
            process.exitCode = 3;
        }
    });
}
