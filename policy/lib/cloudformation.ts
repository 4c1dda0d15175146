import { parse as parseYaml } from "yaml";
import { getIgnoringCase, isRecord } from "./values";

export interface DeclaredResource {
    /** Absent when the template did not parse and the type was only found in its text. */
    logicalId?: string;
    type: string;
}

function parseTemplate(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        // logLevel "error": CloudFormation short-form tags (!Ref, !Sub, ...) only warn, and
        // their values do not matter here; syntax errors still throw.
        return parseYaml(text, { logLevel: "error" });
    }
}

const CFN_TYPE_MENTION = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/**
 * The resources a CloudFormation template (JSON or YAML text, or an object) declares. Text
 * that does not parse falls back to every `AWS::Service::Type` it mentions, so a broken
 * template cannot hide a refused type.
 */
export function declaredResources(template: unknown): DeclaredResource[] {
    let document: unknown = template;
    if (typeof template === "string") {
        try {
            document = parseTemplate(template);
        } catch {
            return [...new Set(template.match(CFN_TYPE_MENTION) ?? [])].map((type) => ({ type }));
        }
    }
    const resources = getIgnoringCase(document, "Resources");
    if (!isRecord(resources)) {
        return [];
    }
    return Object.entries(resources).flatMap(([logicalId, resource]) => {
        const type = isRecord(resource) ? resource["Type"] : undefined;
        return typeof type === "string" ? [{ logicalId, type }] : [];
    });
}
