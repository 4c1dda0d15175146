// GitHub's own workflow parser (@actions/workflow-parser, the parser of GitHub's Actions language services),
// for the tests of the generated workflows.
import { register } from "node:module";
import { pathToFileURL } from "url";

type Parser = typeof import("@actions/workflow-parser");

// The parser is an ES module with bare JSON imports: load it through a hook, with a real import().
register("./support/json-modules.mjs", pathToFileURL(__filename));
const esmImport = new Function("specifier", "return import(specifier)") as (s: string) => Promise<Parser>;

/** Every error GitHub's parser reports for `content`, schema and conversion alike. */
export async function workflowErrors(content: string): Promise<string[]> {
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await esmImport("@actions/workflow-parser");
    const parsed = parseWorkflow({ name: "workflow.yml", content }, new NoOperationTraceWriter());
    const errors = parsed.context.errors.getErrors().map((e) => e.message);
    if (parsed.value) {
        const template = await convertWorkflowTemplate(parsed.context, parsed.value);
        errors.push(...(template.errors ?? []).map((e) => e.Message));
    }
    return [...new Set(errors)];
}
