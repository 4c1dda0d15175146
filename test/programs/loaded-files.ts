// The Membrane program, plus what Node actually loaded to run it: every module of the project that
// index.ts reached (relative to the repository root), walked from its module once the program has
// registered. The runtime truth the deployments' path filters are tested against.
import * as path from "path";

const root = path.resolve(__dirname, "../..");
const main = require.resolve(path.join(root, "index.ts"));
const outputs = require(main);

function loaded(file: string, seen: Set<string>): Set<string> {
    if (!seen.has(file) && !file.split(path.sep).includes("node_modules")) {
        seen.add(file);
        for (const child of require.cache[file]?.children ?? []) {
            loaded(child.filename, seen);
        }
    }
    return seen;
}

export = { ...outputs, loadedFiles: [...loaded(main, new Set())].map((f) => path.relative(root, f).split(path.sep).join("/")).sort() };
