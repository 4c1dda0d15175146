// A module-loading hook for GitHub's @actions/workflow-parser, which is published for bundlers: it
// imports its JSON schemas without `with { type: "json" }`, which Node refuses. Served here as modules.
import { readFile } from "node:fs/promises";

export async function load(url, context, next) {
    if (url.includes("/@actions/workflow-parser/") && url.endsWith(".json") && context.importAttributes?.type !== "json") {
        return { format: "module", source: `export default ${await readFile(new URL(url), "utf8")};`, shortCircuit: true };
    }
    return next(url, context);
}
