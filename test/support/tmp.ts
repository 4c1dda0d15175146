// Scratch directories for tests, removed when the mocha process exits (each test file would otherwise
// leave its own under the system's temporary directory on every run).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const made: string[] = [];

process.on("exit", () => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory under the system's temporary directory, named `<prefix><random>`. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
}
