// Every relative link of the documentation leads somewhere: its file exists, and its #anchor is a heading of
// that page, as GitHub renders it. A page moved or a heading renamed fails here, not in a reader's browser.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../tools/engine";
import { headingAnchors, linkProblems, markdownLinks } from "./support/markdown-links";

/** Every Markdown page of the project outside node_modules. */
function pages(): Record<string, string> {
    const found: Record<string, string> = {};
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true })) {
            const rel = dir ? `${dir}/${e.name}` : e.name;
            if (e.isDirectory() && e.name !== "node_modules" && !e.name.startsWith(".")) {
                walk(rel);
            } else if (e.isFile() && e.name.endsWith(".md")) {
                found[rel] = fs.readFileSync(path.join(PROJECT_DIR, rel), "utf8");
            }
        }
    };
    walk("");
    return found;
}

const exists = (p: string) => fs.existsSync(path.join(PROJECT_DIR, p));

describe("the documentation's links", () => {
    const docs = pages();

    it("are found on every page: the README, docs/ and the policy pack's README", () => {
        expect(Object.keys(docs)).to.include.members(["README.md", "docs/configuration.md", "docs/operate.md", "policy/README.md"]);
        const links = Object.entries(docs).flatMap(([f, md]) => markdownLinks(f, md));
        expect(links.filter((l) => !/^https?:/.test(l.target)).length).to.be.greaterThan(50);
        expect(links.filter((l) => l.target.includes("#")).length).to.be.greaterThan(10);
    });

    it("resolve: every relative link names a file that exists, and every #anchor a heading of its page", () => {
        expect(linkProblems(docs, exists)).to.deep.equal([]);
    });

    it("the check refuses a missing file, a missing heading and a link to a renamed heading, and ignores code", () => {
        const sample = {
            "a.md": "# Title\n\n## Using the `.env`\n\n## Using the `.env`\n\nSee [b](b.md#gone), [c](c.md), [x](#using-the-env-1), [y](#title-1).\n\n`[z](nowhere.md)`\n\n```sh\n# [w](nowhere.md)\n```\n",
            "b.md": "# B\n\n```\n## gone\n```\n",
        };
        expect(linkProblems(sample, (p) => p in sample)).to.deep.equal([
            "a.md:7: b.md#gone: b.md has no heading #gone",
            "a.md:7: c.md: no file c.md",
            "a.md:7: #title-1: a.md has no heading #title-1",
        ]);
        expect([...headingAnchors("# Credentials store (`membrane:secrets:CredentialsStore`)\n")]).to.deep.equal([
            "credentials-store-membranesecretscredentialsstore",
        ]);
    });
});
