// How `pulumi preview --policy-pack policy` loads the pack: the CLI's analyzer plugin runs the SDK's
// run-policy-pack in policy/, which registers ts-node itself (type-checking, with policy/tsconfig.json) and
// reads none of PulumiPolicy.yaml's runtime options. The tests load the pack through tools/register.js;
// this runs the CLI's own loader on it, so that the pack is known to load where the CLI loads it.
import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "../tools/engine";

/** What the SDK's run-policy-pack prints: the analyzer's port once the pack is served, or why it failed. */
function servePack(dir: string): Promise<{ port?: number; stderr: string }> {
    return new Promise((resolve, reject) => {
        const loader = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
        // The engine's address: the pack calls it only to log, and it serves before that.
        const child = spawn(process.execPath, [loader, "127.0.0.1:1", "."], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => {
            stdout += d;
            const port = /^(\d+)\s*$/m.exec(stdout)?.[1];
            if (port) {
                child.kill();
                resolve({ port: Number(port), stderr });
            }
        });
        child.stderr.on("data", (d) => (stderr += d));
        child.once("error", reject);
        child.once("exit", () => resolve({ stderr }));
    });
}

describe("the policy pack under the Pulumi CLI's loader", () => {
    it("the SDK's run-policy-pack serves it from policy/ (ts-node with its type-check, as the CLI runs it)", async function () {
        this.timeout(60000);
        const served = await servePack(path.join(PROJECT_DIR, "policy"));
        expect(served.port, served.stderr).to.be.a("number").above(0);
    });
});
