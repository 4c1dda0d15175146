// `pulumi stack output --json --show-secrets -s <stack> | npm run --silent dotenv > .env`
//
// `pulumi stack output --shell` quotes values (MONGO_URI holds `?` and `&`): a shell's `source`
// understands that, but Docker's `--env-file` keeps the quotes as part of the value. This writes
// `NAME=value` lines with the value verbatim, which Docker (`--env-file`, compose `env_file`) reads
// as is, and which a shell reads correctly line by line: `while IFS= read -r l; do export "$l"; done < .env`.
import { isVariableName } from "../components/env";

export class DotenvError extends Error {}

/** The .env text for a stack's outputs: Membrane's variables only, sorted, one `NAME=value` per line. */
export function dotenv(outputs: Record<string, unknown>): string {
    const lines: string[] = [];
    for (const name of Object.keys(outputs).filter(isVariableName).sort()) {
        const value = outputs[name];
        if (typeof value !== "string") {
            throw new DotenvError(`${name} is not a string (${JSON.stringify(value)})`);
        }
        if (/[\n\r\0]/.test(value)) {
            throw new DotenvError(`${name} contains a line break, which no .env reader keeps`);
        }
        if (value === "[secret]") {
            throw new DotenvError(`${name} is "[secret]": run pulumi stack output with --show-secrets`);
        }
        lines.push(`${name}=${value}`);
    }
    return lines.length > 0 ? `${lines.join("\n")}\n` : "";
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

if (require.main === module) {
    let input = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk) => (input += chunk));
    process.stdin.on("end", () => {
        try {
            process.stdout.write(dotenv(JSON.parse(input)));
        } catch (e) {
            console.error(`dotenv: ${(e as Error).message}`);
            console.error("usage: pulumi stack output --json --show-secrets -s <stack> | npm run --silent dotenv > .env");
            process.exit(2);
        }
    });
}
