// The architecture diagram, generated from an evaluation so it cannot drift from the code: the
// components with their resources, and what flows between them (resource dependencies across
// components, the VPC from config, and the outputs that become Membrane's variables).
import { isVariableName } from "../components/env";
import { groupByComponent, shortType } from "./components";
import type { Evaluation, RegisteredResource } from "./run-program";

const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, "_");

export function mermaid(ev: Evaluation): string {
    const groups = groupByComponent(ev);
    const components = groups.map((g) => g.component);
    const owner = new Map<string, RegisteredResource>(groups.flatMap((g) => g.resources.map((r): [string, RegisteredResource] => [r.urn, g.component])));

    const lines = ["flowchart LR", '  vpc[/"VPC and private subnets (config)"/]'];
    for (const { component: c, resources } of groups) {
        const counts = new Map<string, number>();
        for (const r of resources) {
            counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
        }
        const body = [...counts].map(([t, n]) => (n > 1 ? `${t} ×${n}` : t)).join("<br/>");
        lines.push(`  subgraph ${id(c.name)}["${c.type.split(":")[2]}"]`, `    ${id(c.name)}_r["${body}"]`, "  end");
    }

    const edges = new Set<string>();
    for (const r of ev.resources) {
        const to = owner.get(r.urn);
        for (const dep of r.dependencies) {
            const from = owner.get(dep);
            if (from && to && from !== to) {
                const dr = ev.resources.find((x) => x.urn === dep)!;
                edges.add(`  ${id(from.name)} -- "${shortType(dr.type)}" --> ${id(to.name)}`);
            }
        }
    }
    for (const c of components) {
        const uses = ev.resources.some(
            (r) => owner.get(r.urn) === c && ["vpcId", "subnetIds", "vpcCidr"].some((k) => r.inputs[k] !== undefined),
        );
        if (uses) {
            edges.add(`  vpc --> ${id(c.name)}`);
        }
    }
    lines.push(...[...edges].sort());

    // Each output is drawn from the component whose registered outputs it is made of.
    const fedBy = (c: RegisteredResource, names: string[]) => {
        const values = Object.values(c.outputs).filter((v): v is string => typeof v === "string" && v.length >= 6);
        return names.filter((k) => {
            const v = ev.outputs[k].value;
            return typeof v === "string" && values.some((o) => v === o || v.includes(o));
        });
    };
    const variables = Object.keys(ev.outputs).filter(isVariableName).sort();
    const others = Object.keys(ev.outputs).filter((k) => !isVariableName(k)).sort();
    lines.push(`  env[/".env: ${variables.length} variables"/]`, '  other[/"other outputs: role ARNs, CDN"/]');
    for (const c of components) {
        for (const [target, names] of [["env", fedBy(c, variables)], ["other", fedBy(c, others)]] as const) {
            if (names.length > 0) {
                lines.push(`  ${id(c.name)} -- "${names.join("<br/>")}" --> ${target}`);
            }
        }
    }
    return `${lines.join("\n")}\n`;
}
