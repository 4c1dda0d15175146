// The .env text of Membrane's variables, one line each, sorted by name, in one of two formats:
// - raw (the default): `NAME=value`, the value verbatim, as Docker's `--env-file` and compose's `format: raw` read it;
// - shell: `NAME='value'`, single-quoted with each `'` written `'\''`, which `set -a; . ./.env` reads back exactly.
// Pure, and shared by the program (the `dotenv` stack output) and the writer (tools/dotenv.ts), so that
// `pulumi stack output dotenv --show-secrets` and `npm run dotenv` give the same bytes.

/** A value no .env reader would read back as it is. */
export class DotenvFormatError extends Error {}

export const DOTENV_FORMATS = ["raw", "shell"] as const;
export type DotenvFormat = (typeof DOTENV_FORMATS)[number];

/**
 * The longest line Docker's `--env-file` reads: it scans lines with Go's bufio.Scanner, whose token is at most
 * bufio.MaxScanTokenSize (64 KiB) with its newline; a longer line fails with "bufio.Scanner: token too long".
 */
export const DOCKER_LINE_MAX_BYTES = 64 * 1024 - 1;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What keeps `NAME=value` from being one .env line that every reader reads back exactly, or undefined. */
export function dotenvValueProblem(name: string, value: string, format: DotenvFormat = "raw"): string | undefined {
    if (hasLineBreak(value)) {
        return `${name} contains a line break, which no .env reader keeps`;
    }
    if (/\p{Cs}/u.test(value)) {
        return `${name} holds half of a UTF-16 surrogate pair alone, which UTF-8 cannot encode (it would become U+FFFD)`;
    }
    const bytes = Buffer.byteLength(`${name}=${value}`, "utf8");
    if (format === "raw" && bytes > DOCKER_LINE_MAX_BYTES) {
        return `${name}=… is a line of ${bytes} bytes; Docker's --env-file reads lines of at most ${DOCKER_LINE_MAX_BYTES} bytes (bufio.Scanner: token too long)`;
    }
    return undefined;
}

/** One line of `format`, without its newline. */
function line(name: string, value: string, format: DotenvFormat): string {
    return format === "shell" ? `${name}='${value.replace(/'/g, "'\\''")}'` : `${name}=${value}`;
}

/** The lines, sorted by name, with a final newline. Throws on a name or value that would not read back exactly. */
export function formatDotenv(variables: Readonly<Record<string, unknown>>, format: DotenvFormat = "raw"): string {
    const lines: string[] = [];
    for (const name of Object.keys(variables).sort()) {
        const value = variables[name];
        if (!NAME.test(name)) {
            throw new DotenvFormatError(
                `${JSON.stringify(name)} is not a variable name (letters, digits and _, not starting with a digit)`,
            );
        }
        if (typeof value !== "string") {
            throw new DotenvFormatError(`${name} is not a string (${JSON.stringify(value) ?? String(value)})`);
        }
        const problem = dotenvValueProblem(name, value, format);
        if (problem) {
            throw new DotenvFormatError(problem);
        }
        lines.push(line(name, value, format));
    }
    return `${lines.join("\n")}\n`;
}

/** True when `value` holds a character that ends a .env line (or a NUL, which no reader keeps). */
export function hasLineBreak(value: string): boolean {
    return /[\n\r\0]/.test(value);
}

/**
 * The `dotenv` stack output: the .env text without its final newline, because `pulumi stack output <name>`
 * prints a string output followed by a newline (pkg/cmd/pulumi/stack/stack_output.go, WriteOne). So
 * `pulumi stack output dotenv --show-secrets > .env` writes exactly the bytes `formatDotenv` gives.
 */
export function dotenvOutputValue(variables: Readonly<Record<string, unknown>>): string {
    return formatDotenv(variables).slice(0, -1);
}
