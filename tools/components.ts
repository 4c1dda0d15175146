// The stack's components (the root Stack's children) and the custom resources under each, at any
// depth, in registration order: what the plan lists and the diagram draws; and the short type names both print.
import type { Evaluation, RegisteredResource } from "./run-program";

export interface ComponentGroup {
    readonly component: RegisteredResource;
    readonly resources: RegisteredResource[];
}

export function groupByComponent(ev: Evaluation): ComponentGroup[] {
    const root = ev.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const under = (c: RegisteredResource): RegisteredResource[] =>
        ev.resources.filter((r) => r.parent === c.urn).flatMap((r) => (r.custom ? [r] : under(r)));
    return ev.resources.filter((r) => !r.custom && r.parent === root?.urn).map((component) => ({ component, resources: under(component) }));
}

/** `aws:s3/bucketPolicy:BucketPolicy` -> `s3 BucketPolicy`; `mongodbatlas:index/project:Project` -> `atlas Project`. */
export function shortType(type: string): string {
    const [pkg, mod, name] = type.split(":");
    const module = mod.split("/")[0];
    const prefix = pkg === "mongodbatlas" ? "atlas" : module === "index" ? pkg : module;
    return `${prefix} ${name}`;
}
