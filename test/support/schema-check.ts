// Checks a value against a schema that its consumer publishes (test/data/): a Kubernetes CRD's
// openAPIV3Schema, a Pulumi package schema, an AWS API model. Each returns every problem, each with the
// path of the value; an empty list means the consumer accepts it as far as its schema says.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function typeOf(v: unknown): string {
    if (Array.isArray(v)) {
        return "array";
    }
    if (v === null) {
        return "null";
    }
    if (typeof v === "number") {
        return Number.isInteger(v) ? "integer" : "number";
    }
    return typeof v;
}

/**
 * A Kubernetes structural schema (a CRD version's openAPIV3Schema), with the API server's strict field
 * validation: a field the schema does not declare is an error (kubectl's --validate=strict, the default).
 * CEL rules (x-kubernetes-validations) cannot be evaluated here: reaching one is reported as a problem.
 */
export function openApiProblems(schema: any, value: unknown, at = ""): string[] {
    const p: string[] = [];
    const where = at || "(root)";
    if (schema["x-kubernetes-validations"]) {
        p.push(`${where}: has CEL rules this check cannot evaluate`);
    }
    if (schema.anyOf) {
        const ok = (schema.anyOf as any[]).some((s) => openApiProblems({ ...schema, anyOf: undefined, ...s }, value, at).length === 0);
        return ok ? p : [...p, `${where}: matches none of anyOf`];
    }
    if (schema["x-kubernetes-int-or-string"]) {
        return typeof value === "string" || Number.isInteger(value) ? p : [...p, `${where}: must be an integer or a string`];
    }
    const t = typeOf(value);
    if (schema.type && !(schema.type === t || (schema.type === "number" && t === "integer") || (value === null && schema.nullable))) {
        return [...p, `${where}: must be ${schema.type} (got ${t})`];
    }
    if (schema.enum && !schema.enum.includes(value)) {
        p.push(`${where}: must be one of ${JSON.stringify(schema.enum)} (got ${JSON.stringify(value)})`);
    }
    if (typeof value === "string") {
        if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
            p.push(`${where}: does not match ${schema.pattern}`);
        }
        if (schema.minLength !== undefined && value.length < schema.minLength) {
            p.push(`${where}: shorter than ${schema.minLength}`);
        }
        if (schema.maxLength !== undefined && value.length > schema.maxLength) {
            p.push(`${where}: longer than ${schema.maxLength}`);
        }
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) {
            p.push(`${where}: fewer than ${schema.minItems} items`);
        }
        value.forEach((v, i) => p.push(...openApiProblems(schema.items ?? {}, v, `${at}[${i}]`)));
    }
    if (isObject(value)) {
        const keys = Object.keys(value);
        for (const r of schema.required ?? []) {
            if (!(r in value)) {
                p.push(`${where}: lacks the required ${r}`);
            }
        }
        if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
            p.push(`${where}: fewer than ${schema.minProperties} properties`);
        }
        if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
            p.push(`${where}: more than ${schema.maxProperties} properties`);
        }
        for (const k of keys) {
            const sub = schema.properties?.[k] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
            if (sub) {
                p.push(...openApiProblems(sub, value[k], `${at}.${k}`));
            } else if (!schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties !== true) {
                p.push(`${at}.${k}: unknown field`);
            }
        }
    }
    return p;
}

/** A Pulumi package schema's property type (`type`, `items`, `additionalProperties`, `$ref`). */
function pulumiTypeProblems(doc: any, spec: any, value: unknown, at: string): string[] {
    const ref: string | undefined = spec.$ref;
    if (ref === "pulumi.json#/Any") {
        return [];
    }
    if (ref === "pulumi.json#/Asset" || ref === "pulumi.json#/Archive") {
        const kinds = isObject(value) ? ["text", "path", "uri", "assets"].filter((k) => k in value) : [];
        return kinds.length === 1 ? [] : [`${at}: must be an ${ref.slice("pulumi.json#/".length)}`];
    }
    if (ref) {
        const name = ref.replace(/^#\/types\//, "");
        const type = doc.types[name];
        if (!type) {
            return [`${at}: refers to ${ref}, which the schema excerpt lacks`];
        }
        if (type.enum) {
            const values = (type.enum as Array<{ value: unknown }>).map((e) => e.value);
            return values.includes(value) ? [] : [`${at}: must be one of ${JSON.stringify(values)} (got ${JSON.stringify(value)})`];
        }
        return pulumiObjectProblems(doc, type.properties ?? {}, type.required ?? [], value, at);
    }
    const t = typeOf(value);
    switch (spec.type) {
        case "string":
        case "boolean":
        case "integer":
            return t === spec.type ? [] : [`${at}: must be ${spec.type} (got ${t})`];
        case "number":
            return t === "number" || t === "integer" ? [] : [`${at}: must be a number (got ${t})`];
        case "array":
            return Array.isArray(value)
                ? value.flatMap((v, i) => pulumiTypeProblems(doc, spec.items, v, `${at}[${i}]`))
                : [`${at}: must be an array (got ${t})`];
        case "object":
            return isObject(value)
                ? Object.entries(value).flatMap(([k, v]) => pulumiTypeProblems(doc, spec.additionalProperties ?? {}, v, `${at}.${k}`))
                : [`${at}: must be an object (got ${t})`];
        default:
            return [`${at}: has a schema this check does not know: ${JSON.stringify(spec)}`];
    }
}

function pulumiObjectProblems(doc: any, properties: Record<string, any>, required: string[], value: unknown, at: string): string[] {
    if (!isObject(value)) {
        return [`${at || "(inputs)"}: must be an object (got ${typeOf(value)})`];
    }
    const p = required.filter((r) => value[r] === undefined).map((r) => `${at || "(inputs)"}: lacks the required ${r}`);
    for (const [k, v] of Object.entries(value)) {
        if (v === undefined) {
            continue;
        }
        const spec = properties[k];
        p.push(...(spec ? pulumiTypeProblems(doc, spec, v, `${at}.${k}`) : [`${at}.${k}: not a property of the schema`]));
    }
    return p;
}

/** A resource's inputs against its `inputProperties` and `requiredInputs` in a Pulumi package schema. */
export function pulumiInputProblems(doc: any, typeToken: string, inputs: Record<string, unknown>): string[] {
    const resource = doc.resources[typeToken];
    if (!resource) {
        return [`${typeToken}: not a resource of the schema excerpt`];
    }
    return pulumiObjectProblems(doc, resource.inputProperties ?? {}, resource.requiredInputs ?? [], inputs, "");
}

/** A value against an AWS API model's shape (botocore's service-2.json): structures, lists, maps, scalars. */
export function awsShapeProblems(shapes: Record<string, any>, shapeName: string, value: unknown, at = ""): string[] {
    const shape = shapes[shapeName];
    const where = at || "(input)";
    const t = typeOf(value);
    switch (shape.type) {
        case "structure": {
            if (!isObject(value)) {
                return [`${where}: must be a structure (got ${t})`];
            }
            const p = (shape.required ?? []).filter((r: string) => !(r in value)).map((r: string) => `${where}: lacks the required ${r}`);
            for (const [k, v] of Object.entries(value)) {
                const member = shape.members[k];
                p.push(...(member ? awsShapeProblems(shapes, member.shape, v, `${at}.${k}`) : [`${at}.${k}: unknown parameter`]));
            }
            return p;
        }
        case "list":
            return Array.isArray(value)
                ? value.flatMap((v, i) => awsShapeProblems(shapes, shape.member.shape, v, `${at}[${i}]`))
                : [`${where}: must be a list (got ${t})`];
        case "map":
            return isObject(value)
                ? Object.entries(value).flatMap(([k, v]) => awsShapeProblems(shapes, shape.value.shape, v, `${at}.${k}`))
                : [`${where}: must be a map (got ${t})`];
        case "string":
            if (t !== "string") {
                return [`${where}: must be a string (got ${t})`];
            }
            return shape.enum && !shape.enum.includes(value) ? [`${where}: must be one of ${JSON.stringify(shape.enum)}`] : [];
        case "integer":
        case "long":
            return t === "integer" ? [] : [`${where}: must be an integer (got ${t})`];
        case "boolean":
            return t === "boolean" ? [] : [`${where}: must be a boolean (got ${t})`];
        default:
            return [`${where}: has a shape type this check does not know: ${shape.type}`];
    }
}
