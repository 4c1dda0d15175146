// @ts-check
// `node --require ./tools/register.js x.ts`: runs the project's TypeScript without loading TypeScript
// when nothing changed. Each .ts file is transpiled (typescript.transpileModule: no type-check, as
// ts-node's transpile-only mode and `pulumi up` do) once per content, and the JavaScript is kept under
// node_modules/.cache, keyed by a hash of the source, its path, tsconfig.json, the TypeScript version
// and this file. Any edit to any of them gives a new key, so a stale translation can never be loaded.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "membrane-ts");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
const TYPESCRIPT = require.resolve("typescript");

const tsconfigText = fs.readFileSync(TSCONFIG, "utf8");
const keyBase = crypto
    .createHash("sha256")
    .update(fs.readFileSync(__filename))
    .update(require("typescript/package.json").version)
    .update(tsconfigText);

/** @type {import("typescript").CompilerOptions | undefined} */
let compilerOptions;
/** Where the translation of each .ts file loaded is: their inline source maps serve mapStack. */
const translations = new Map();

/** @param {string} source @param {string} filename */
function transpile(source, filename) {
    /** @type {typeof import("typescript")} */
    const ts = require(TYPESCRIPT);
    if (!compilerOptions) {
        const parsed = ts.parseConfigFileTextToJson(TSCONFIG, tsconfigText);
        if (parsed.error) {
            throw new Error(`${TSCONFIG}: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, "\n")}`);
        }
        const { options } = ts.convertCompilerOptionsFromJson(parsed.config.compilerOptions, ROOT);
        // Inline maps: for mapStack, and for node --enable-source-maps. CommonJS, as `pulumi up` runs the program
        // (tsconfig.pulumi.json): tsconfig.json's node20 is the type-check's model of Node 22's require.
        compilerOptions = {
            ...options,
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            sourceMap: false,
            inlineSourceMap: true,
            declaration: false,
            noEmit: false,
        };
    }
    return ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText;
}

/** Where the translation of `filename` with this `source` is kept. @param {string} filename @param {string} source */
function cachePathOf(filename, source) {
    return path.join(CACHE, `${keyBase.copy().update(filename).update("\0").update(source).digest("hex")}.js`);
}

/** Keeps `js` as the translation at `cached`. @param {string} cached @param {string} js */
function store(cached, js) {
    try {
        fs.mkdirSync(CACHE, { recursive: true });
        // Written aside and renamed: processes running in parallel never read a half-written file.
        const tmp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, js);
        fs.renameSync(tmp, cached);
    } catch {
        // A read-only node_modules: run uncached.
    }
}

/**
 * The translation this process last loaded for each file, with its source: the engine loads the program's
 * modules afresh for every evaluation, and an unchanged source needs neither a hash nor a read of the cache.
 * @type {Map<string, { source: string, cached: string, js: string }>}
 */
const loaded = new Map();

/** @param {NodeJS.Module & { _compile(code: string, filename: string): void }} module @param {string} filename */
function loadTypeScript(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    let entry = loaded.get(filename);
    if (entry?.source !== source) {
        const cached = cachePathOf(filename, source);
        let js;
        try {
            js = fs.readFileSync(cached, "utf8");
        } catch {
            js = transpile(source, filename);
            store(cached, js);
        }
        entry = { source, cached, js };
        loaded.set(filename, entry);
    }
    translations.set(filename, entry.cached);
    module._compile(entry.js, filename);
}

/**
 * Transpiles into the cache each of `files` that is not there yet, without running any; returns how many.
 * `npm test` does it once before mocha starts, instead of each worker transpiling what it loads.
 * @param {readonly string[]} files
 */
function warm(files) {
    let transpiled = 0;
    for (const filename of untranspiled(files)) {
        const source = fs.readFileSync(filename, "utf8");
        store(cachePathOf(filename, source), transpile(source, filename));
        transpiled++;
    }
    return transpiled;
}

/** Which of `files` have no translation in the cache yet. @param {readonly string[]} files */
function untranspiled(files) {
    return files.filter((filename) => !fs.existsSync(cachePathOf(filename, fs.readFileSync(filename, "utf8"))));
}

/** @type {Map<string, InstanceType<typeof Module.SourceMap> | undefined>} */
const sourceMaps = new Map();

/** @param {string} filename */
function sourceMapOf(filename) {
    if (!sourceMaps.has(filename)) {
        let map;
        try {
            // A file another process ran (mocha's parallel workers) is found by its content, as it was loaded.
            const js = fs.readFileSync(translations.get(filename) ?? cachePathOf(filename, fs.readFileSync(filename, "utf8")), "utf8");
            const base64 = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(js)?.[1];
            map = base64 ? new Module.SourceMap(JSON.parse(Buffer.from(base64, "base64").toString("utf8"))) : undefined;
        } catch {
            map = undefined;
        }
        sourceMaps.set(filename, map);
    }
    return sourceMaps.get(filename);
}

/**
 * A stack trace with its positions in .ts files mapped back from the JavaScript that ran to the
 * TypeScript. For the traces someone reads (the tests' failures): mapping every trace as it is made
 * (node --enable-source-maps) slows the tests by half, as the Pulumi SDK makes one for each resource.
 * @param {string} stack
 */
function mapStack(stack) {
    return stack.replace(/([^\s()]+\.ts):(\d+):(\d+)/g, (position, file, line, column) => {
        // Mocha shortens the paths to the working directory's.
        const entry = sourceMapOf(path.resolve(file))?.findEntry(Number(line) - 1, Number(column) - 1);
        return entry && "originalLine" in entry ? `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}` : position;
    });
}

module.exports = { mapStack, warm, untranspiled };

// Replaces Node 22's own type stripping, which cannot run this code (`export =`, parameter properties).
require.extensions[".ts"] = /** @type {any} */ (loadTypeScript);

// The Pulumi SDK requires TypeScript as it loads, for a closure serializer that only
// pulumi.runtime.serializeFunction and dynamic providers call: half of the SDK's load time. Until
// something reads a property of it, `typescript` is a stand-in that loads the real module on first use.
if (!require.cache[TYPESCRIPT]) {
    /** @type {any} */
    let real;
    const load = () => {
        if (!real) {
            delete require.cache[TYPESCRIPT];
            real = require(TYPESCRIPT);
        }
        return real;
    };
    const standIn = new Module(TYPESCRIPT);
    standIn.filename = TYPESCRIPT;
    standIn.loaded = true;
    standIn.exports = new Proxy(
        {},
        {
            get: (_, key) => Reflect.get(load(), key),
            has: (_, key) => key in load(),
            ownKeys: () => Reflect.ownKeys(load()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(load(), key);
                return d && { ...d, configurable: true };
            },
        },
    );
    require.cache[TYPESCRIPT] = standIn;
}
