// tools/register.js runs the project's TypeScript from a cache keyed by each file's content: an edited
// file runs as edited, TypeScript is not loaded when nothing changed, and failures name TypeScript lines.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../tools/engine";
import { parseArgs } from "../../tools/plan";
import { tempDir } from "../support/tmp";

const { mapStack } = require("../../tools/register.js") as { mapStack(stack: string): string };

describe("tools/register.js", () => {
    it("runs a file as it is now, never an earlier translation of it", () => {
        const dir = tempDir("membrane-register-");
        const file = path.join(dir, "value.ts");
        try {
            for (const value of [1, 2, 1]) {
                fs.writeFileSync(file, `export const value: number = ${value};\n`);
                delete require.cache[file];
                expect(require(file).value).to.equal(value);
            }
        } finally {
            delete require.cache[file];
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("leaves TypeScript unloaded, the SDK's copy too, when every file is already transpiled", function () {
        this.timeout(30000);
        const script = [
            "require('@pulumi/pulumi');",
            "require('./lib/naming.ts');",
            "const ts = require.cache[require.resolve('typescript')];",
            "process.stdout.write(String(require('util').types.isProxy(ts.exports)));",
        ].join(" ");
        const run = spawnSync(process.execPath, ["--require", "./tools/register.js", "-e", script], { cwd: PROJECT_DIR, encoding: "utf8" });
        expect(run.stderr).to.equal("");
        expect(run.stdout).to.equal("true");
    });

    it("maps a stack trace back to the TypeScript's lines", () => {
        const source = fs.readFileSync(path.join(PROJECT_DIR, "tools", "plan.ts"), "utf8").split("\n");
        const line = source.findIndex((l) => l.includes("throw new UsageError(`unknown argument")) + 1;
        try {
            parseArgs(["--bogus"]);
        } catch (e) {
            expect(mapStack((e as Error).stack!)).to.include(`${path.join(PROJECT_DIR, "tools", "plan.ts")}:${line}:`);
            return;
        }
        expect.fail("parseArgs should have thrown");
    });
});

describe("tools/register.js across processes", () => {
    it("maps a stack trace from a file only another process ran (mocha's parallel workers), by its content", function () {
        this.timeout(30000);
        const dir = tempDir("membrane-register-");
        const file = path.join(dir, "thrower.ts");
        try {
            // Type annotations and an interface shift the JavaScript's lines away from the TypeScript's.
            fs.writeFileSync(
                file,
                [
                    "interface A {",
                    "    a: number;",
                    "}",
                    "",
                    "const a: A = { a: 1 };",
                    "export function f(): never {",
                    "    throw new Error(`x${a.a}`);",
                    "}",
                    "",
                ].join("\n"),
            );
            const run = spawnSync(
                process.execPath,
                [
                    "--require",
                    "./tools/register.js",
                    "-e",
                    `try { require(${JSON.stringify(file)}).f() } catch (e) { process.stdout.write(e.stack) }`,
                ],
                {
                    cwd: PROJECT_DIR,
                    encoding: "utf8",
                },
            );
            const raw = run.stdout.split("\n").find((l) => l.includes(file))!;
            expect(raw, run.stderr).to.be.a("string").and.not.include(`${file}:7:`);
            expect(mapStack(raw)).to.include(`${file}:7:`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
