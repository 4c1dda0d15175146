import { expect } from "chai";
import { spawn } from "child_process";
import * as path from "path";
import { parseArgs as parseBench } from "../../tools/bench";
import { HelpRequested } from "../../tools/cli";
import { PROJECT_DIR } from "../../tools/engine";
import { main as secretValuesMain, USAGE as SECRET_VALUES_USAGE } from "../../tools/k8s-secret-values";

describe("--help of the helper scripts", () => {
    it("npm run bench -- --help asks for the usage, not an unknown argument", () => {
        for (const flag of ["--help", "-h"]) {
            expect(() => parseBench([flag]))
                .to.throw(HelpRequested)
                .with.property("message")
                .that.matches(/^usage: npm run bench/);
        }
    });

    it("npm run k8s-secret-values -- --help prints the usage and exits 0, an unknown argument exits 2", () => {
        const out: string[] = [];
        const err: string[] = [];
        expect(
            secretValuesMain(
                ["--help"],
                "",
                (s) => out.push(s),
                (s) => err.push(s),
            ),
        ).to.equal(0);
        expect(out.join("")).to.equal(`${SECRET_VALUES_USAGE}\n`);
        expect(err).to.deep.equal([]);
        expect(
            secretValuesMain(
                ["--frobnicate"],
                "",
                () => undefined,
                (s) => err.push(s),
            ),
        ).to.equal(2);
        expect(err.join("")).to.include('unknown argument "--frobnicate"');
    });

    it("k8s-secret-values --help answers without waiting for standard input: a real process, its input left open", async function () {
        this.timeout(20000);
        const child = spawn(process.execPath, ["--require", "./tools/register.js", path.join("tools", "k8s-secret-values.ts"), "--help"], {
            cwd: PROJECT_DIR,
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        child.stdout.on("data", (d) => (stdout += d));
        const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
        child.stdin.destroy();
        expect(code).to.equal(0);
        expect(stdout).to.equal(`${SECRET_VALUES_USAGE}\n`);
    });
});
