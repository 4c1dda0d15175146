// `npm start [-- --stack <name>]`: evaluates a stack offline and prints what `pulumi up` would create.
import { evaluate, Evaluation, ProgramError, RegisteredResource } from "./engine";
import { StackConfigError, UnknownStackError } from "./stack-config";

export interface PlanArgs {
    readonly stack: string;
}

export function parseArgs(argv: readonly string[]): PlanArgs {
    let stack = "staging";
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") {
            stack = argv[++i] ?? "";
        } else if (a.startsWith("--stack=")) {
            stack = a.slice("--stack=".length);
        } else {
            throw new Error(`unknown argument "${a}"; usage: npm start -- [--stack <name>]`);
        }
    }
    return { stack };
}

/** The components (children of the stack) and the resources under each, in registration order. */
export function groupByComponent(ev: Evaluation): Array<{ component: RegisteredResource; resources: RegisteredResource[] }> {
    const root = ev.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const components = ev.resources.filter((r) => !r.custom && r.parent === root?.urn);
    const under = (c: RegisteredResource): RegisteredResource[] =>
        ev.resources.filter((r) => r.parent === c.urn).flatMap((r) => (r.custom ? [r] : [r, ...under(r)]));
    return components.map((component) => ({ component, resources: under(component).filter((r) => r.custom) }));
}

export function renderResources(ev: Evaluation): string {
    const lines: string[] = [];
    let total = 0;
    for (const { component, resources } of groupByComponent(ev)) {
        lines.push(`${component.name} (${component.type})`);
        for (const r of resources) {
            const flags = [r.protect ? "protected" : "", r.retainOnDelete ? "retained on delete" : ""].filter(Boolean).join(", ");
            lines.push(`  + ${r.type.padEnd(72)} ${r.name}${flags ? `  [${flags}]` : ""}`);
        }
        total += resources.length;
    }
    lines.push("", `${total} resources in ${groupByComponent(ev).length} components`);
    return lines.join("\n");
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    try {
        const ev = await evaluate({ stack: args.stack });
        console.log(`Stack ${ev.project}/${ev.stack}, evaluated offline under Pulumi's mocks:\n`);
        console.log(renderResources(ev));
        for (const w of ev.warnings) {
            console.log(`\nwarning: ${w}`);
        }
        return 0;
    } catch (e) {
        if (e instanceof UnknownStackError || e instanceof StackConfigError || e instanceof ProgramError) {
            console.error(`error: ${e.message}`);
            return 2;
        }
        throw e;
    }
}

if (require.main === module) {
    main().then((code) => process.exit(code), (e) => {
        console.error(e);
        process.exit(1);
    });
}
