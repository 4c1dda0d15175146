// `npm start -- --import-file <path>`: the stack's adoptions as the file `pulumi import --file` reads
// (pulumi.com/docs/iac/cli/commands/pulumi_import): each adopted resource's type, logical name and import
// id, under its component, which the file creates empty (`"component": true`, Pulumi 3.94 and later), so
// that every URN is the one the program registers. Pure over an evaluation.
import type { Evaluation, RegisteredResource } from "./run-program";

export interface ImportSpec {
    readonly type: string;
    /** The logical name: the last part of the URN. */
    readonly name: string;
    /** The import id; absent for a component the file creates empty. */
    readonly id?: string;
    /** The `name` of another entry of the file: the resource's parent. */
    readonly parent?: string;
    readonly component?: true;
}

export interface ImportFile {
    readonly resources: readonly ImportSpec[];
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The components above `r`, outermost first, up to (not including) the root stack. */
function ancestors(r: RegisteredResource, byUrn: Map<string, RegisteredResource>): RegisteredResource[] {
    const chain: RegisteredResource[] = [];
    for (let p = r.parent && byUrn.get(r.parent); p && p.type !== ROOT_STACK_TYPE; p = p.parent ? byUrn.get(p.parent) : undefined) {
        chain.unshift(p);
    }
    return chain;
}

/** The parent's entry name in the file; undefined under the root stack. */
function parentName(r: RegisteredResource, byUrn: Map<string, RegisteredResource>): string | undefined {
    const p = r.parent ? byUrn.get(r.parent) : undefined;
    return p && p.type !== ROOT_STACK_TYPE ? p.name : undefined;
}

/** Every resource the evaluation adopts (registered with the `import` option), with the components above it. */
export function importFile(ev: Evaluation): ImportFile {
    const byUrn = new Map(ev.resources.map((r) => [r.urn, r]));
    // Registrations of adopted resources finish in any order: the file lists them by URN, after their
    // components in the order the program creates them.
    const adopted = ev.resources.filter((r) => r.importId).sort((a, b) => a.urn.localeCompare(b.urn));
    const needed = new Set(adopted.flatMap((r) => ancestors(r, byUrn).map((c) => c.urn)));
    const components = ev.resources.filter((r) => needed.has(r.urn));
    const entries: ImportSpec[] = [
        ...components.map((c) => ({
            type: c.type,
            name: c.name,
            ...withParent(parentName(c, byUrn)),
            component: true as const,
        })),
        ...adopted.map((r) => ({ type: r.type, name: r.name, id: r.importId, ...withParent(parentName(r, byUrn)) })),
    ];
    const names = entries.map((e) => e.name);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length > 0) {
        throw new Error(`the import file would name ${repeated.join(", ")} twice; pulumi import refers to parents by name`);
    }
    return { resources: entries };
}

const withParent = (parent: string | undefined): { parent?: string } => (parent ? { parent } : {});

/** The URN the CLI gives an entry of the file: its parents' types joined with `$`, then its own type and name. */
export function importedUrn(file: ImportFile, entry: ImportSpec, stack: string, project: string): string {
    const types: string[] = [];
    for (let e: ImportSpec | undefined = entry; e; e = e.parent ? file.resources.find((x) => x.name === e!.parent) : undefined) {
        types.unshift(e.type);
    }
    return `urn:pulumi:${stack}::${project}::${types.join("$")}::${entry.name}`;
}
