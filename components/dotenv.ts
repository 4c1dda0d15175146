// The .env text of Membrane's variables: one `NAME=value` line each, sorted by name, the value verbatim.
// Pure, and shared by the program (the `dotenv` stack output) and the writer (tools/dotenv.ts), so that
// `pulumi stack output dotenv --show-secrets` and `npm run dotenv` give the same bytes.

/** A value no .env reader would read back as it is. */
export class DotenvFormatError extends Error {}

/** `NAME=value` lines, sorted by name, with a final newline. Throws on a value that is not a one-line string. */
export function formatDotenv(variables: Readonly<Record<string, unknown>>): string {
    const lines: string[] = [];
    for (const name of Object.keys(variables).sort()) {
        const value = variables[name];
        if (typeof value !== "string") {
            throw new DotenvFormatError(`${name} is not a string (${JSON.stringify(value)})`);
        }
        if (hasLineBreak(value)) {
            throw new DotenvFormatError(`${name} contains a line break, which no .env reader keeps`);
        }
        lines.push(`${name}=${value}`);
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
