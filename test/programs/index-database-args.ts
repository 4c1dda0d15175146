// The project's program (index.ts) on a stack's config, recording what it hands the Database component
// (exported as `handedToDatabase`). Database makes an external URI secret on its own, so the stack's
// outputs cannot show whether index.ts hands it over as a secret; the record does.
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseArgs } from "../../components/database/database";

const handed: DatabaseArgs[] = [];
// The project's own module, which this run loads afresh: the next evaluation gets the component unchanged.
const modules: { Database: typeof import("../../components/database/database").Database } = require("../../components/database/database");
const { Database } = modules;
modules.Database = class extends Database {
    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        handed.push(args);
        super(name, args, opts);
    }
};
require("../../index");

export const handedToDatabase = handed.map((args) =>
    args.mode === "external" ? { mode: args.mode, mongoUriSecret: pulumi.isSecret(pulumi.output(args.mongoUri)) } : { mode: args.mode },
);
