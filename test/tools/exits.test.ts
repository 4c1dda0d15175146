// Every command that writes to standard output ends without cutting it: through tools/cli.ts's runMain or
// exitAfterFlush (which wait for stdout to drain; hostile.test.ts sends a plan through a slow pipe), or by
// setting process.exitCode, with which Node.js drains it by itself. A bare process.exit() in a command's
// path would end a piped output at 64 KiB.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../tools/engine";

const TOOLS = path.join(PROJECT_DIR, "tools");
const commands = fs
    .readdirSync(TOOLS)
    .filter((f) => f.endsWith(".ts") && fs.readFileSync(path.join(TOOLS, f), "utf8").includes("require.main === module"));

describe("how the commands end", () => {
    it("finds the commands: every script package.json runs from tools/", () => {
        const scripts: Record<string, string> = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts;
        const run = Object.values(scripts).flatMap((s) => [...s.matchAll(/tools\/([\w-]+\.ts)/g)].map((m) => m[1]));
        expect(run.length).to.be.greaterThan(5);
        expect(commands).to.include.members(run);
    });

    it("each through runMain, exitAfterFlush or process.exitCode; process.exit() only after a signal, with nothing left to write", () => {
        const wrong: string[] = [];
        for (const file of commands) {
            const text = fs.readFileSync(path.join(TOOLS, file), "utf8");
            const entry = text.slice(text.indexOf("require.main === module"));
            if (!/runMain\(|exitAfterFlush\(|process\.exitCode = /.test(entry)) {
                wrong.push(`${file}: its entry ends otherwise`);
            }
            text.split("\n").forEach((line, i) => {
                // A process.exit inside a string is a child's script (bench.ts's), not this process's.
                const code = line.replace(/`[^`]*`|"(?:[^"\\\\]|\\\\.)*"/g, "");
                if (/process\.exit\(/.test(code) && !/^\s*process\.exit\(128 \+ /.test(line)) {
                    wrong.push(`${file}:${i + 1}: ${line.trim()}`);
                }
            });
        }
        expect(wrong).to.deep.equal([]);
    });
});
