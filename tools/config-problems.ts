// What `npm start` and `npm run check` say when a stack's config is refused: the CLI's problems and, in
// the same pass, the program's own (which the CLI would report only on the next run, once its own are fixed).
import { readSettings } from "../components/settings";
import { ConfigError } from "../lib/config-reader";
import type { Project, StackConfigError } from "../lib/stack-files";

/** The CLI's problems, then the program's problems with the config as far as it resolved, without repeats. */
export function allConfigProblems(project: Project, stack: string, error: StackConfigError): string[] {
    if (!error.partial) {
        return [...error.problems];
    }
    let programProblems: readonly string[] = [];
    try {
        readSettings({ ...error.partial, declaredKeys: Object.keys(project.config), stack });
    } catch (e) {
        if (!(e instanceof ConfigError)) {
            throw e;
        }
        programProblems = e.problems;
    }
    // The CLI names keys without their namespace ('vpcId'); the program's problem on the same key would say it again.
    const named = (key: string) => error.problems.some((p) => p.includes(`'${key.replace(`${project.name}:`, "")}'`));
    return [...error.problems, ...programProblems.filter((p) => !named(p.slice(0, p.indexOf(": "))))];
}
