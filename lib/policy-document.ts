// IAM policy documents as both programs write them: the Membrane program's roles, bucket, key and topic
// policies, and the deployments program's deploy roles and boundaries. (The policy pack reads documents with
// a type of its own, every field optional, in policy/lib: a published pack holds only its own folder.)

/** Condition operator -> condition key -> value or values. */
export type Condition = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** `*`, or principals by kind: `{ Service: "s3.amazonaws.com" }`, `{ AWS: <ARN> }`, `{ Federated: <ARN> }`. */
export type Principal = "*" | Readonly<Record<string, string | readonly string[]>>;

/** One statement, as AWS's policy grammar defines it. */
export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: Principal;
    readonly NotPrincipal?: Principal;
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly NotResource?: string | readonly string[];
    readonly Condition?: Condition;
}

/** A policy document; `S` narrows its statements where a writer promises more (every field set, Allow only). */
export interface PolicyDocument<S extends PolicyStatement = PolicyStatement> {
    readonly Version: "2012-10-17";
    readonly Statement: S[];
}
