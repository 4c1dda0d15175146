// A program for the engine's own tests: a secret input, a provider's additionalSecretOutputs, and an
// environment variable the test sets for the run. MEMBRANE_ENGINE_TEST=failed-input: a resource whose
// input is a look-up that fails, which the program itself never awaits.
import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";
import * as random from "@pulumi/random";

const note = new s3.BucketObjectv2("note", { bucket: "engine-test", key: "note.txt", content: pulumi.secret("the secret note") });
const password = new random.RandomPassword("password", { length: 24 });

export const content = note.content;
export const key = note.key;
export const result = password.result;
export const fromEnv = process.env.MEMBRANE_ENGINE_TEST ?? "";

if (process.env.MEMBRANE_ENGINE_TEST === "failed-input") {
    const zone = pulumi.output(Promise.reject(new Error("the look-up found nothing")));
    new s3.BucketObjectv2("depends-on-the-look-up", { bucket: "engine-test", key: "zone.txt", content: zone });
    // The same look-up in the inputs of two more resources: the SDK wraps its one error once per resource and key.
    new s3.BucketObjectv2("depends-on-it-too", { bucket: "engine-test", key: "zone-2.txt", content: zone });
    new s3.BucketPolicy("policy-from-the-look-up", { bucket: "engine-test", policy: zone });
}
